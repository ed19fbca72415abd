// Min-Server-Version: the SDK names the oldest server it can work with; an older server, or
// one that cannot read the header, answers 400 before doing anything.
import { DEFAULT_SERVER_VERSION, startEmulator, type RunningEmulator } from "../../emulator";
import { awsAsset, basicAuth, call } from "./helpers";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ readyAfterMs: 0 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => emu.admin.reset());

const withVersion = (version: string | null) =>
  call(emu, "GET", "/custom_metadata", undefined, {
    headers: version === null ? {} : { "Min-Server-Version": version },
  });

describe("Min-Server-Version", () => {
  it("serves requests asking for this release or older, and requests without the header", async () => {
    expect(DEFAULT_SERVER_VERSION).toBe("4.9.0");
    for (const v of ["4.6.0", "4.8.0", "4.9.0", "3.10.99"]) {
      expect((await withVersion(v)).status).toBe(200);
    }
    const bare = await fetch(`${emu.url}/api/v1/custom_metadata`, {
      headers: { Authorization: basicAuth() },
    });
    expect(bare.status).toBe(200);
  });

  it("answers 400 naming both versions when the client needs a later release", async () => {
    for (const v of ["4.9.1", "4.10.0", "5.0.0"]) {
      const res = await withVersion(v);
      expect(res.status).toBe(400);
      expect(res.json.message).toContain(`version 4.9.0, older than the Min-Server-Version ${v}`);
      expect(res.json.server_version).toBe("4.9.0");
    }
  });

  it("answers 400 for a header that is not MAJOR.MINOR.PATCH", async () => {
    for (const v of ["latest", "4.9", "v4.9.0", ""]) {
      const res = await withVersion(v);
      expect(res.status).toBe(400);
      expect(res.json.message).toMatch(/is not a version: expected MAJOR\.MINOR\.PATCH/);
    }
  });

  it("refuses before processing, on every route, but only after authentication", async () => {
    const create = await call(emu, "POST", "/data_assets", awsAsset(), {
      headers: { "Min-Server-Version": "9.0.0" },
    });
    expect(create.status).toBe(400);
    expect(emu.admin.assets()).toEqual([]);
    const unknownRoute = await call(emu, "GET", "/nowhere", undefined, {
      headers: { "Min-Server-Version": "9.0.0" },
    });
    expect(unknownRoute.status).toBe(400);
    const anonymous = await call(emu, "GET", "/custom_metadata", undefined, {
      token: null,
      headers: { "Min-Server-Version": "9.0.0" },
    });
    expect(anonymous.status).toBe(401);
  });

  it("claims the release given as an option, and reports it in the admin index", async () => {
    const old = await startEmulator({ serverVersion: "4.6.0" });
    try {
      // SDK 0.17 raised its minimum to 4.8.0: a 4.6 deployment refuses it.
      const res = await call(old, "GET", "/custom_metadata", undefined, {
        headers: { "Min-Server-Version": "4.8.0" },
      });
      expect(res.status).toBe(400);
      expect((await call(old, "GET", "/custom_metadata")).status).toBe(200);
      const index = await call(old, "GET", "/__emulator/", undefined, { token: null });
      expect(index.json.serverVersion).toBe("4.6.0");
    } finally {
      await old.stop();
    }
    await expect(startEmulator({ serverVersion: "4.9" })).rejects.toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});
