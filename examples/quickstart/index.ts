// The program of the root Pulumi.yaml project: `pulumi up` from the repository root.
import { quickstart } from "./program";

const outputs = quickstart();
export const referenceId = outputs.referenceId;
export const readsId = outputs.readsId;
export const readsState = outputs.readsState;
export const readsExternal = outputs.readsExternal;
export const alignmentsId = outputs.alignmentsId;
export const alignmentsProvenance = outputs.alignmentsProvenance;
