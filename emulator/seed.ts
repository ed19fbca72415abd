import type { SeedData } from "./types";

/** Not a secret: the only token a default emulator accepts. */
export const DEFAULT_EMULATOR_TOKEN = "cop_emulator_token";

/** Fixed ids so tests, examples and benchmarks can reference seeded objects directly. */
export const SEED_IDS = {
  capsule: "4367940e-e863-4819-afbd-1b6b9f9b1256",
  capsule2: "8a1e3b52-6c0d-4f4e-9b7a-2d5f6e7a8b9c",
  pipeline: "c2b4d6f8-1a3c-4e5f-8a7b-9c0d1e2f3a4b",
  computation: "f1e2d3c4-b5a6-4789-8abc-def012345678",
  computation2: "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
  /** A capsule of its own, so that its running workstation changes no other capsule's routes. */
  workstationCapsule: "5d0c9a3e-7b21-4f6a-9e48-3c2b1a0f9d8e",
  /** The computation id of a running Cloud Workstation session of workstationCapsule. */
  cloudWorkstation: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a",
} as const;

/** The user every emulator-created object belongs to. */
export const EMULATOR_USER = {
  id: "7f0c0b7e-3d1a-4c62-9a57-5e1b2f3c4d5e",
  email: "emulator@codeocean.local",
} as const;

export function defaultSeed(): SeedData {
  // A fresh object each time: callers mutate what they get.
  return {
    capsules: [
      { id: SEED_IDS.capsule, name: "Emulator capsule", slug: "1000001" },
      { id: SEED_IDS.capsule2, name: "Second emulator capsule", slug: "1000002" },
      { id: SEED_IDS.workstationCapsule, name: "Emulator workstation capsule", slug: "1000003" },
    ],
    pipelines: [{ id: SEED_IDS.pipeline, name: "Emulator pipeline", slug: "2000001" }],
    computations: [
      {
        id: SEED_IDS.computation,
        capsuleId: SEED_IDS.capsule,
        name: "Run 1",
        files: 12,
        size: 3_456_789,
        paths: ["output", "figures"],
      },
      {
        id: SEED_IDS.computation2,
        capsuleId: SEED_IDS.capsule2,
        name: "Run 2",
        files: 3,
        size: 40_960,
      },
      {
        id: SEED_IDS.cloudWorkstation,
        capsuleId: SEED_IDS.workstationCapsule,
        name: "Cloud Workstation session",
        files: 0,
        size: 0,
        cloudWorkstation: true,
        running: true,
      },
    ],
    customMetadata: {
      fields: [
        { name: "subject id", type: "string" },
        { name: "collection date", type: "date" },
        { name: "replicates", type: "number", range: { min: 1, max: 100 } },
        {
          name: "modality",
          type: "string",
          allowed_values: ["RNA-seq", "ATAC-seq", "imaging"],
        },
      ],
      categories: [],
    },
  };
}

/** Merges `extra` over `base` by id (lists) and replaces customMetadata when given. */
export function mergeSeed(base: SeedData, extra: Partial<SeedData> | undefined): SeedData {
  if (!extra) return base;
  const byId = <T extends { id: string }>(a: T[], b: T[] | undefined): T[] => {
    if (!b) return a;
    const map = new Map(a.map((x) => [x.id, x]));
    for (const x of b) map.set(x.id, x);
    return [...map.values()];
  };
  return {
    capsules: byId(base.capsules, extra.capsules),
    pipelines: byId(base.pipelines, extra.pipelines),
    computations: byId(base.computations, extra.computations),
    customMetadata: extra.customMetadata ?? base.customMetadata,
  };
}
