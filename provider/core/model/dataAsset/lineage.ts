/**
 * The lineage of results computed outside Code Ocean from an exported capsule or pipeline:
 * what makes an imported asset a *result* with provenance (see declare/types.ts).
 */
import { z } from "zod";
import * as t from "../../../declare/types";
import { typeError } from "../../../declare/validate";
import { codeOceanId, nonEmptyString } from "../checks";

export const RunParameter = t.object(
  "RunParameter",
  "A run parameter as the exported capsule or pipeline received it.",
  {
    name: t.optional(t.string("a string"), "The parameter's label."),
    paramName: t.optional(t.string("a string"), "The parameter's name on the command line."),
    value: t.required(t.string('a string, e.g. "0.05"'), "Its value."),
  },
  { expected: 'an object, e.g. { paramName: "alpha", value: "0.05" }' },
);

const releaseVersion = t.integer(
  z
    .number({ error: typeError("a release version, a whole number, e.g. 3") })
    .int("must be a whole number")
    .min(1, "must be 1 or more"),
);

const parameters = (description: string) =>
  t.optional(t.array(RunParameter, { expected: "a list of parameters" }), description);

export const PipelineProcess = t.object(
  "PipelineProcess",
  "One process of a pipeline run.",
  {
    name: t.required(t.string(nonEmptyString('"align"')), "The process's name in the pipeline."),
    capsuleId: t.required(t.string(codeOceanId("capsule")), "The capsule the process ran."),
    version: t.optional(releaseVersion, "That capsule's release version."),
    public: t.optional(t.boolean(), "Whether the capsule is a public app."),
    parameters: parameters("The process's parameters."),
  },
  { expected: 'an object, e.g. { name: "align", capsuleId: "<capsule id>" }' },
);

export const ResultsInfo = t.object(
  "ResultsInfo",
  "Lineage for results computed outside Code Ocean from an exported capsule or pipeline and imported from a bucket: the asset becomes a *result* with provenance. Exactly one of `capsuleId` and `pipelineId`. Only with an `aws` or `gcp` source. Changing it replaces.",
  {
    capsuleId: t.optional(
      t.string(codeOceanId("capsule")),
      "The capsule that computed the results.",
    ),
    pipelineId: t.optional(
      t.string(codeOceanId("pipeline")),
      "The pipeline that computed the results.",
    ),
    version: t.optional(releaseVersion, "The capsule's or pipeline's release version."),
    commit: t.optional(t.string("a git commit"), "The git commit that ran."),
    runScript: t.optional(
      t.string('a path, e.g. "code/run"'),
      'The script that ran, e.g. `"code/run"`.',
    ),
    dataAssetIds: t.optional(
      t.array(t.string(codeOceanId("data asset")), { expected: "a list of data asset ids" }),
      "The data assets the run used.",
      { wire: "data_assets" },
    ),
    parameters: parameters("The run's parameters."),
    nextflowProfile: t.optional(t.string("a string"), "The Nextflow profile of a pipeline run."),
    processes: t.optional(
      t.array(PipelineProcess, { expected: "a list of pipeline processes" }),
      "A pipeline run's processes.",
    ),
  },
  {
    expected: 'an object, e.g. { capsuleId: "<capsule id>", commit: "3f2c1ab" }',
    rules: [
      (r, ctx) => {
        if ((r.capsuleId === undefined) !== (r.pipelineId === undefined)) return;
        ctx.addIssue({
          code: "custom",
          path: [r.capsuleId === undefined ? "capsuleId" : "pipelineId"],
          message:
            r.capsuleId === undefined
              ? "is required: give the capsule or the pipeline (pipelineId) that computed the results, exactly one"
              : "cannot be given together with capsuleId: the results came from one capsule or one pipeline",
        });
      },
    ],
  },
);

export type ResultsInfoInput = z.output<typeof ResultsInfo.zod>;
