import * as pulumi from "@pulumi/pulumi";
import { DataAsset, dataAssetShim } from "../../../provider/faces/dynamic/dataAsset";
import { CapsuleAttachment } from "../../../provider/faces/dynamic/capsuleAttachment";
import { dataAssetResource } from "../../../provider/resources/dataAsset/table";
import { registeredKeys } from "../../../provider/declare/fields";
import { withoutStackCaptures } from "../../../provider/faces/register";
import { dataAssetWithStackCaptures } from "../../helpers/registration";

const ARGS = {
  name: "reads",
  mount: "reads",
  source: { aws: { bucket: "acme-rna-reads", prefix: "runs/1/" } },
};

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state: { ...args.inputs, state: "ready", size: 42 },
      }),
      call: (args) => args.inputs,
    },
    "project",
    "stack",
    false,
  );
});

/** Runs `f` and returns the frame counts of every stack trace formatted meanwhile. */
function framesFormatted(f: () => void): number[] {
  const seen: number[] = [];
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    seen.push(frames.length);
    return `${error}\n${frames.map((fr) => `    at ${fr}`).join("\n")}`;
  };
  try {
    f();
  } finally {
    Error.prepareStackTrace = original;
  }
  return seen;
}

const DataAssetWithStackCaptures = dataAssetWithStackCaptures({
  shim: dataAssetShim,
  keys: registeredKeys(dataAssetResource),
});

describe("registering a resource without the SDK's per-promise stack captures", () => {
  it("formats no stack frames but the SDK's own source-position capture", () => {
    const withCaptures = framesFormatted(() => new DataAssetWithStackCaptures("a", ARGS));
    const ours = framesFormatted(() => new DataAsset("b", ARGS));
    const attachment = framesFormatted(
      () => new CapsuleAttachment("c", { capsuleId: "cap", dataAssetId: "b-id" }),
    );
    // The SDK takes 4 traces per registered property: ~30 properties.
    expect(withCaptures.filter((n) => n > 0).length).toBeGreaterThan(100);
    // Ours: only the source position (the SDK raises the limit itself for it).
    expect(ours.filter((n) => n > 0)).toHaveLength(1);
    expect(attachment.filter((n) => n > 0)).toHaveLength(1);
  });

  it("restores Error.stackTraceLimit, also when the constructor throws", () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      new DataAsset("d", ARGS);
      expect(Error.stackTraceLimit).toBe(17);
      expect(
        () => new DataAsset("e", ARGS, { parent: {} as unknown as pulumi.Resource }),
      ).toThrow();
      expect(Error.stackTraceLimit).toBe(17);
      const restore = withoutStackCaptures();
      expect(Error.stackTraceLimit).toBe(0);
      restore();
      expect(Error.stackTraceLimit).toBe(17);
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  it("still gives every input and output as an Output with the provider's value", async () => {
    const asset = new DataAsset("f", ARGS);
    const value = <T>(o: pulumi.Output<T>) =>
      new Promise<T>((resolve) => o.apply((v) => resolve(v)));
    expect(await value(asset.name)).toBe("reads");
    expect(await value(asset.state)).toBe("ready");
    expect(await value(asset.size)).toBe(42);
    expect(await value(asset.id)).toBe("f-id");
    for (const key of [...dataAssetResource.inputKeys, ...dataAssetResource.outputKeys])
      expect(pulumi.Output.isInstance((asset as unknown as Record<string, unknown>)[key])).toBe(
        true,
      );
  });
});
