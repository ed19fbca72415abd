import {
  carriesSecret,
  seal,
  sealedInputs,
  sealedOutputs,
} from "../../../provider/faces/plugin/secrets";
import { SECRET_SIG, SIG_KEY } from "../../../provider/faces/plugin/struct";
import { dataAssetResource } from "../../../provider/resources/dataAsset/table";

const fields = dataAssetResource.fields;
const sealed = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const gcpInputs = {
  name: "g",
  mount: "g",
  source: { gcp: { bucket: "b", prefix: "", clientId: "id", clientSecret: "s3cr3t" } },
};

describe("the plugin face seals what the declaration marks secret", () => {
  it("wraps source.gcp.clientSecret, at its path, and nothing else", () => {
    const out = sealedInputs(fields, gcpInputs);
    expect(out).toEqual({
      name: "g",
      mount: "g",
      source: { gcp: { bucket: "b", prefix: "", clientId: "id", clientSecret: sealed("s3cr3t") } },
    });
    expect(JSON.stringify(sealedInputs(fields, out))).toBe(JSON.stringify(out)); // idempotent
  });

  it("leaves other sources, absent secrets and unknowns alone", () => {
    const aws = { name: "a", source: { aws: { bucket: "b" } } };
    expect(sealedInputs(fields, aws)).toEqual(aws);
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(seal(unknown)).toBe(unknown);
    expect(sealedInputs(fields, { source: unknown })).toEqual({ source: unknown });
  });

  it("seals the failure reason only when the inputs carry a non-empty secret", () => {
    expect(carriesSecret(fields, gcpInputs)).toBe(true);
    expect(carriesSecret(fields, sealedInputs(fields, gcpInputs))).toBe(true);
    const publicBucket = { source: { gcp: { bucket: "b", clientId: "", clientSecret: "" } } };
    expect(carriesSecret(fields, publicBucket)).toBe(false);
    expect(sealedOutputs({ failureReason: "bad s3cr3t", name: "g" }, ["failureReason"])).toEqual({
      failureReason: sealed("bad s3cr3t"),
      name: "g",
    });
  });
});
