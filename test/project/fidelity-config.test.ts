/**
 * The flowsmith.yaml keys for what Globus's sources disagree on (`emulation`), registered
 * APIs, groups and collection entity types/owners: parsed with located errors, and handed to
 * the local runtime's configuration.
 */
import { describe, expect, it } from "vitest";
import { loadProjectConfig, selectEnvironment } from "../../src/project/config.js";
import { configProject, expectConfigError } from "../support/config.js";
import { runtimeConfigFor } from "../../src/local/from-project.js";


const GOOD = `environments:
  local:
    emulation:
      exception_on_action_failure_default: true
      canceled_status: ENDED
      web_input_expires_in: 3600
    collections:
      share: { id: 31ce9ba0-176d-45a5-add3-f37d233ba47d, root: share, entity_type: GCSv5_guest_collection, owner: 46bd0f56-e24f-11e5-a510-131bef46955c }
    registered_apis:
      resource: { id: 9dc867a4-1c6d-46d9-911f-71c2ac67e38c, url: "http://127.0.0.1:9000/api/{resource_id}", method: get, handles: ["urn:globus:flows:handle:example:resource.get"] }
    groups:
      admins: { id: 11111111-2222-3333-4444-555555555555, members: ["urn:globus:auth:identity:46bd0f56-e24f-11e5-a510-131bef46955c"] }
`;

describe("fidelity keys in flowsmith.yaml", () => {
  it("reach the local runtime's configuration", () => {
    const dir = configProject(GOOD);
    const r = loadProjectConfig(dir);
    expect(r.diagnostics).toEqual([]);
    const rc = runtimeConfigFor(selectEnvironment(r.config!, "local"), dir);
    expect(rc.engine).toEqual({ exceptionOnActionFailureDefault: true, canceledStatus: "ENDED", webInputExpiresInSeconds: 3600 });
    expect(rc.collections["31ce9ba0-176d-45a5-add3-f37d233ba47d"]).toMatchObject({ entity_type: "GCSv5_guest_collection", owner: "urn:globus:auth:identity:46bd0f56-e24f-11e5-a510-131bef46955c" });
    expect(rc.registeredApis).toEqual([{ name: "resource", id: "9dc867a4-1c6d-46d9-911f-71c2ac67e38c", url: "http://127.0.0.1:9000/api/{resource_id}", method: "get", handles: ["urn:globus:flows:handle:example:resource.get"] }]);
    expect(rc.groups).toEqual({ "11111111-2222-3333-4444-555555555555": ["urn:globus:auth:identity:46bd0f56-e24f-11e5-a510-131bef46955c"] });
  });

  it("leaves the defaults (false, FAILED) to the engine when emulation is absent", () => {
    const dir = configProject("environments:\n  local: {}\n");
    expect(runtimeConfigFor(selectEnvironment(loadProjectConfig(dir).config!, "local"), dir).engine).toBeUndefined();
  });

  it.each([
    ["a canceled status Globus does not have", GOOD.replace("canceled_status: ENDED", "canceled_status: CANCELED"), 5, /must be one of FAILED, ENDED/],
    ["a misspelled emulation key", GOOD.replace("web_input_expires_in", "web_input_expiry"), 6, /unknown key "web_input_expiry" \(did you mean "web_input_expires_in"\?\)/],
    ["an unknown entity type", GOOD.replace("GCSv5_guest_collection", "guest"), 8, /entity_type must be one of/],
    ["a registered API without a url", GOOD.replace(', url: "http://127.0.0.1:9000/api/{resource_id}"', ""), 10, /registered API "resource" needs a "url"/],
    ["a handle that is not a handle URN", GOOD.replace("urn:globus:flows:handle:example:resource.get", "resource.get"), 10, /handles/],
  ])("reports %s with its line", (_n, yaml, line, message) => expectConfigError(yaml, line, message));
});
