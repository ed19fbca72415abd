import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into every resource's state. Each method loads the
 * installed package at run time (`require` inside a method is never captured), so the text
 * is ~2.5 KB, holds no configuration or secret, stays the same across package versions, and
 * refresh/destroy run the code that is installed — not code frozen at the last `up`.
 * Capturing the implementation by value would also fail outright: zod schemas and HTTP
 * agents cannot be serialized. Only `implementation`, a string, is captured.
 */
export function runtimeShim(
  implementation: "dataAssetProvider" | "capsuleAttachmentProvider",
): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      return require("pulumi-codeocean/runtime").configure(req);
    },
    async check(olds, news) {
      return require("pulumi-codeocean/runtime")[implementation].check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-codeocean/runtime")[implementation].diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-codeocean/runtime")[implementation].create(inputs);
    },
    async read(id, props) {
      return require("pulumi-codeocean/runtime")[implementation].read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-codeocean/runtime")[implementation].update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-codeocean/runtime")[implementation].delete(id, props);
    },
  };
}
