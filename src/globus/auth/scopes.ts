/** Scopes a flowsmith client asks for; the strings themselves are wire facts in src/wire/scopes.ts. */
import { SCOPES } from "../../wire/scopes.js";

export { SCOPES, baseScope, splitScopes, dataAccessScope, transferScope, flowScope, parseScope, scopeCovers, type ScopeTree } from "../../wire/scopes.js";

/** What `flowsmith login` asks for when not told otherwise. */
export const DEFAULT_LOGIN_SCOPES: readonly string[] = [SCOPES.openid, SCOPES.profile, SCOPES.email, SCOPES.flowsAll, SCOPES.transferAll, SCOPES.computeAll];
