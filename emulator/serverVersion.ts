// The Min-Server-Version handshake (SDK PR #50): a client names the oldest Code Ocean release
// it can work with, and a server that is older, or cannot read the header, answers 400 instead
// of serving a response the client would misread.
import { ApiError } from "./reply";

/** The release the emulator claims to be unless told otherwise (options.serverVersion). */
export const DEFAULT_SERVER_VERSION = "4.9.0";

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** [major, minor, patch], or undefined when `text` is not MAJOR.MINOR.PATCH. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = VERSION.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Throws the 400 a request with this Min-Server-Version header gets; absent passes. */
export function checkMinServerVersion(header: string | undefined, serverVersion: string): void {
  if (header === undefined) return;
  const wanted = parseVersion(header);
  if (!wanted) {
    throw new ApiError(
      400,
      `Min-Server-Version header ${JSON.stringify(header)} is not a version: expected MAJOR.MINOR.PATCH, e.g. 4.6.0`,
      { server_version: serverVersion },
    );
  }
  if (compare(parseVersion(serverVersion)!, wanted) < 0) {
    throw new ApiError(
      400,
      `this Code Ocean server is version ${serverVersion}, older than the Min-Server-Version ${header.trim()} the client requires; upgrade the server or use an older client`,
      { server_version: serverVersion },
    );
  }
}
