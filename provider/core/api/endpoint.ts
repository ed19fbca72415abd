import { ConfigurationError } from "./errors";

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** True for host names that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Turns what a user writes for `codeocean:domain` (`acme.codeocean.com`,
 * `https://acme.codeocean.com/`, or a full `https://…/api/v1/` URL) into the API base URL,
 * always ending in `/api/v1/`. Plain http is accepted only for loopback hosts (the
 * emulator) unless `allowInsecureHttp` is set, because the token travels in every request.
 */
export function apiBaseUrl(domain: string, allowInsecureHttp = false): string {
  const raw = domain.trim();
  if (!raw) throw new ConfigurationError("codeocean:domain is empty.");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigurationError(
      `codeocean:domain "${raw}" is not a host name or URL; use e.g. acme.codeocean.com.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      "codeocean:domain must not contain credentials; set the token with `pulumi config set --secret codeocean:token`.",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`codeocean:domain must use https:// (got ${url.protocol}).`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new ConfigurationError(
      `codeocean:domain ${url.host} uses plain http://, which would send the API token in clear text. ` +
        "Use https://, or set codeocean:allowInsecureHttp to true if this really is a trusted network.",
    );
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (!/\/api\/v1$/.test(path)) path = `${path}/api/v1`;
  return `${url.protocol}//${url.host}${path}/`;
}
