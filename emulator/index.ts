// A local emulator of the Code Ocean REST API v1 for tests, examples and benchmarks: real
// HTTP, scriptable outcomes, fault injection and rate limiting, with an admin API under
// /__emulator/.
export { API_ROUTE_KEYS } from "./api";
export { startEmulator } from "./server";
export { DEFAULT_EMULATOR_TOKEN, EMULATOR_USER, SEED_IDS, defaultSeed } from "./seed";
export { DEFAULT_SERVER_VERSION } from "./serverVersion";
export { FAULT_KINDS, PAGE_FAULT_KINDS, PAGED_ROUTES } from "./types";
export type {
  AssetOutcome,
  AssetPatch,
  AssetState,
  AssetType,
  AppParameter,
  AttachmentInfo,
  ContainedDataAsset,
  CustomField,
  CustomMetadataSchema,
  EmulatorAdmin,
  EmulatorAsset,
  EmulatorOptions,
  EmulatorPermissions,
  EveryoneRole,
  FaultKind,
  FaultRule,
  ImportedAsset,
  GroupRole,
  JournalEntry,
  OutcomeRule,
  PermissionsPatch,
  PipelineProcess,
  Provenance,
  RateLimit,
  RunParameter,
  RunningEmulator,
  SeedComputation,
  SeedData,
  SeedTarget,
  SourceBucket,
  UserRole,
  WireDataAsset,
  WirePermissions,
  WireTarget,
} from "./types";
