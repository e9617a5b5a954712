/**
 * Headers for the explorer page and its assets: scripts and styles from the gateway only (no CDN, no
 * inline script), requests back to the gateway only (HTTP and graphql-ws on the same origin), never
 * framed (clickjacking), no referrer leaked to other sites, no MIME sniffing. GraphiQL's editors set
 * inline style attributes, hence 'unsafe-inline' for styles only; its fonts and icons are data: URLs.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const EXPLORER_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': EXPLORER_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});
