// Browser-facing guards of the HTTP endpoint, as geth's --http.corsdomain and --http.vhosts give them:
// CORS response headers (with preflight answers) and a Host header allow-list against DNS rebinding.
import { isIP } from "node:net";

/** The Access-Control-Allow-Origin value for a request's Origin, or null when that origin is not allowed. */
export function allowedOrigin(corsDomains: readonly string[], origin: string | undefined): string | null {
  if (corsDomains.includes("*")) return "*";
  if (origin === undefined) return null;
  const wanted = origin.toLowerCase();
  return corsDomains.some((domain) => domain.toLowerCase() === wanted) ? origin : null;
}

/** The headers a CORS preflight answer carries for an allowed origin. */
export function preflightHeaders(allowOrigin: string, requestedHeaders: string | undefined): Record<string, string> {
  return {
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-methods": "POST, GET, OPTIONS",
    // Echo what the page asked for (e.g. content-type): the endpoint reads no credentials from headers.
    "access-control-allow-headers": requestedHeaders ?? "content-type",
    "access-control-max-age": "600",
  };
}

/** The host name of a Host header ("localhost:8545" -> "localhost", "[::1]:8545" -> "::1"). */
export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith("[")) {
    const end = hostHeader.indexOf("]");
    return end === -1 ? hostHeader : hostHeader.slice(1, end);
  }
  const colon = hostHeader.lastIndexOf(":");
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/**
 * geth's virtual-host rule: no list or "*" allows everything; requests addressed to an IP literal are
 * always allowed (rebinding attacks come through names); otherwise the name must be listed.
 */
export function hostAllowed(vhosts: readonly string[] | undefined, hostHeader: string | undefined): boolean {
  if (vhosts === undefined || vhosts.includes("*")) return true;
  if (hostHeader === undefined || hostHeader === "") return true;
  const name = hostName(hostHeader);
  if (isIP(name) !== 0) return true;
  return vhosts.some((vhost) => vhost.toLowerCase() === name);
}

/**
 * Whether a page's Origin is the listener it connects to (http://<the Host header>): the node's own
 * status page, which may open a WebSocket to its port whatever --http.corsdomain allows other pages.
 */
export function sameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined || hostHeader === undefined) return false;
  return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}
