// What scripts may print about their configuration. RPC URLs carry API keys in their
// path (Infura's /v3/<key>, Alchemy's /rpc/v0_8/<key>), query (?apikey=) or userinfo,
// and terminals, CI logs and bug reports keep whatever a script prints.

/**
 * A URL safe to print: scheme, host and port, with path, query, fragment and credentials
 * replaced by `/…`. The same for every host, loopback included (a tunnel or proxy on
 * 127.0.0.1 has keys too); print the URLs of a devnet the script started itself as they are.
 * Returns no part of a string that does not parse as a URL.
 *
 * @example redactUrl("https://starknet-mainnet.infura.io/v3/abc123") // "https://starknet-mainnet.infura.io/…"
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return "<not a valid URL>";
  }
  // `host` is the hostname plus a non-default port: no credentials, path or query.
  const origin = `${parsed.protocol}//${parsed.host}`;
  const extras = parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash !== "";
  const hasPath = parsed.pathname !== "/" && parsed.pathname !== "";
  return extras || hasPath ? `${origin}/…` : origin;
}

/**
 * Replaces every verbatim occurrence of a secret in `text` (an error message from a
 * library that may quote its input): URLs by their redacted form, other secrets by `<redacted>`.
 * Empty and very short values are ignored (they would match everywhere).
 */
export function scrubSecrets(text: string, { urls = [], secrets = [] }: { urls?: (string | undefined)[]; secrets?: (string | undefined)[] }): string {
  let result = text;
  for (const url of urls) {
    const value = url?.trim();
    if (value && value.length >= 8) result = result.split(value).join(redactUrl(value));
  }
  for (const secret of secrets) {
    const value = secret?.trim();
    if (value && value.length >= 8) result = result.split(value).join("<redacted>");
  }
  return result;
}
