/**
 * Cloud Workstations, as Code Ocean speaks of them today: a data asset captured from a running
 * session (`source.cloudWorkstation`: a dataset, or a result with the session's lineage when a
 * script ran), and attachments to a capsule while a session runs on it (refused by Code Ocean,
 * with a next step from the provider). Provider methods against the emulator over real HTTP.
 */
import {
  capsuleAttachmentProvider as ca,
  dataAssetProvider as da,
  freshRuntime,
} from "../helpers/runtime";
import { SEED_IDS, configureProviderEnv, useEmulator } from "../helpers/emulator";

const emu = useEmulator({ readyAfterMs: 50, attachReadyAfterMs: 20 });
const admin = () => emu.current.admin;
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = configureProviderEnv(emu.current, { CODEOCEAN_MIN_POLL_INTERVAL_SECONDS: "0.05" });
});
afterAll(() => restoreEnv());
beforeEach(() => {
  admin().reset();
  freshRuntime();
});

const PROVIDER = "exports.handler = __f0; /* stand-in for the serialized shim */";
type Props = Record<string, unknown>;

const captured = (source: Props, name = "figures from the workstation"): Props => ({
  __provider: PROVIDER,
  name,
  mount: "figures",
  source: { cloudWorkstation: source },
});

async function checked(news: Props) {
  const r = await da.check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

describe("source.cloudWorkstation", () => {
  it("captures a folder of a running session as a dataset", async () => {
    const inputs = await checked(
      captured({ id: SEED_IDS.cloudWorkstation, path: "results/figures" }),
    );
    const { id, outs } = await da.create(inputs);
    expect(outs).toMatchObject({
      state: "ready",
      type: "dataset",
      source: { cloudWorkstation: { id: SEED_IDS.cloudWorkstation, path: "results/figures" } },
      sourceBucket: { origin: "local" },
    });
    expect(admin().asset(id)?.type).toBe("dataset");
    // Nothing changes at the next preview.
    expect((await da.diff(id, outs, inputs)).changes).toBe(false);
  });

  it("with runScript, captures a result with the session's lineage", async () => {
    const inputs = await checked(
      captured({ id: SEED_IDS.cloudWorkstation, path: "results", runScript: "code/run" }, "run"),
    );
    const { outs } = await da.create(inputs);
    expect(outs).toMatchObject({
      type: "result",
      provenance: { computation: SEED_IDS.cloudWorkstation, runScript: "code/run" },
    });
  });

  it("a session that is not running: Code Ocean's refusal, quoted, and nothing created", async () => {
    admin().setWorkstationRunning(SEED_IDS.cloudWorkstation, false);
    const inputs = await checked(captured({ id: SEED_IDS.cloudWorkstation, path: "results" }));
    const error = await da.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/HTTP 400: .*not running/);
    expect(admin().assets()).toEqual([]);
  });

  it.each([
    [
      "path missing",
      { id: SEED_IDS.cloudWorkstation },
      "source.cloudWorkstation.path",
      /is required/,
    ],
    [
      "path empty",
      { id: SEED_IDS.cloudWorkstation, path: " " },
      "source.cloudWorkstation.path",
      /must not be empty/,
    ],
    [
      "runScript empty",
      { id: SEED_IDS.cloudWorkstation, path: "x", runScript: "" },
      "source.cloudWorkstation.runScript",
      /must not be empty/,
    ],
    [
      "id not a UUID",
      { id: "ws-1", path: "x" },
      "source.cloudWorkstation.id",
      /must be a Code Ocean Cloud Workstation session/,
    ],
  ])("check refuses %s, naming the property", async (_what, source, property, reason) => {
    const r = await da.check({}, captured(source));
    expect(r.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });
});

describe("attaching while a Cloud Workstation session runs on the capsule", () => {
  it("is refused with Code Ocean's message and what to do; once the session stops, it attaches", async () => {
    const asset = (
      await da.create(
        await checked({ ...captured({ id: SEED_IDS.cloudWorkstation, path: "a" }), name: "att" }),
      )
    ).id;
    const news = {
      __provider: PROVIDER,
      capsuleId: SEED_IDS.workstationCapsule,
      dataAssetId: asset,
      mount: "att",
    };
    const inputs = (await ca.check({}, news)).inputs;
    const error = await ca.create(inputs).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(
      /HTTP 400: capsule .* has a running Cloud Workstation session.*stop the session, or wait for it to end/,
    );
    expect(admin().attachments()).toEqual([]);
    admin().setWorkstationRunning(SEED_IDS.cloudWorkstation, false);
    const { id } = await ca.create(inputs);
    expect(admin().attachments()).toHaveLength(1);
    await ca.delete(id);
  });
});
