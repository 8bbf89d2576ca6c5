/** flowsmith's Globus Auth client: confidential clients, user login with PKCE and refresh, flow scopes, and errors with fixes. */
export { AuthError, type Credentials } from "./types.js";
export { AuthServiceError, ConsentRequiredError, authErrorFromResponse, tokenEndpointError, loginCommand, toCliError, type AuthErrorContext } from "./errors.js";
export { clientCredentials, clientFromEnv, type ClientCredentials, type ClientCredentialsOptions, type EnvClient } from "./client-credentials.js";
export { startLogin, completeLogin, userinfo, revokeToken, nativeClientId, defaultRedirectUri, pkceVerifier, pkceChallenge, DEFAULT_NATIVE_CLIENT_ID, type StartLoginOptions, type LoginStart, type CompleteLoginOptions, type UserInfo } from "./login.js";
export { TokenStore, writeFileAtomic, tokenDir, type StoredLogin, type StoredToken, type StoredIdentity, type PendingLogin } from "./token-store.js";
export { userCredentials, findStoredToken, type UserCredentials, type UserCredentialsOptions } from "./user-credentials.js";
export { flowScope, transferScope, dataAccessScope, parseScope, scopeCovers, baseScope, splitScopes, SCOPES, DEFAULT_LOGIN_SCOPES, type ScopeTree } from "./scopes.js";
export { credentialsForEnvironment, credentialSource, describeCredentials, loginInfo, authUrlForEnvironment, loginClientId, type EnvironmentCredentialsOptions, type LocalRuntimeLocator, type CredentialSource, type CredentialsInfo, type TokenInfo } from "./environment.js";
export { authBaseUrl, AUTH_HOSTS, DEFAULT_AUTH_URL } from "./urls.js";
export { parseTokenResponse, requestTokens } from "./oauth.js";
export { authCall, type AuthHttpOptions, type FetchLike } from "./http.js";
