/**
 * Secrets the process knows about (the API token, GCP client secrets). Every error message
 * and log line this package builds passes through `redact`, so that a secret echoed back by
 * a server, a proxy or a stack trace never reaches the Pulumi CLI or its state.
 */
const secrets = new Set<string>();

/** Registers a value that must never appear in a message. Values shorter than 4 characters are ignored (they would redact ordinary words). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret (and its Basic-auth base64 form) with `***`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of [secret, Buffer.from(`${secret}:`).toString("base64")]) {
      if (out.includes(form)) out = out.split(form).join("***");
    }
  }
  return out;
}
