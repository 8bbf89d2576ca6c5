/**
 * OpenID Connect id_tokens for `openid` (fixtures/auth/sdk-oauth2_*.openid.json carry an
 * `id_token` beside the auth.globus.org access token). RS256-signed with a key made when the
 * runtime starts; its public half is served at /jwk.json and named by
 * /.well-known/openid-configuration, as Globus Auth does, so SDKs that verify id_tokens can.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

export class IdTokens {
  private keys?: { key: KeyObject; jwk: Record<string, unknown> };
  private readonly kid = "flowsmith-local-1";

  constructor(private readonly issuer: () => string) {}

  /** Made on first use: an RSA key costs CPU that a runtime that never sees `openid` should not pay at start. */
  private get signing() {
    if (!this.keys) {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const pub = privateKey.export({ format: "jwk" }) as Record<string, unknown>;
      this.keys = { key: createPrivateKey(privateKey.export({ type: "pkcs8", format: "pem" })), jwk: { kty: "RSA", n: pub.n, e: pub.e, alg: "RS256", use: "sig", kid: this.kid } };
    }
    return this.keys;
  }

  issue(claims: { sub: string; aud: string; username: string; name: string | null; email: string | null; identity_provider: string; nowSeconds: number; lifetime: number }): string {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const header = { alg: "RS256", typ: "JWT", kid: this.kid };
    const payload = {
      iss: this.issuer(),
      sub: claims.sub,
      aud: claims.aud,
      iat: claims.nowSeconds,
      exp: claims.nowSeconds + claims.lifetime,
      preferred_username: claims.username,
      name: claims.name,
      email: claims.email,
      identity_provider: claims.identity_provider,
      identity_set: [{ sub: claims.sub, username: claims.username, name: claims.name, email: claims.email, identity_provider: claims.identity_provider }],
    };
    const input = `${b64(header)}.${b64(payload)}`;
    return `${input}.${sign("sha256", Buffer.from(input), this.signing.key).toString("base64url")}`;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.signing.jwk] };
  }

  configuration(): Record<string, unknown> {
    const iss = this.issuer();
    return {
      issuer: iss,
      authorization_endpoint: `${iss}/v2/oauth2/authorize`,
      token_endpoint: `${iss}/v2/oauth2/token`,
      userinfo_endpoint: `${iss}/v2/oauth2/userinfo`,
      revocation_endpoint: `${iss}/v2/oauth2/token/revoke`,
      jwks_uri: `${iss}/jwk.json`,
      response_types_supported: ["code"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email", "profile"],
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
      claims_supported: ["at_hash", "aud", "email", "exp", "name", "nonce", "preferred_username", "iat", "iss", "sub"],
      subject_types_supported: ["public"],
    };
  }
}
