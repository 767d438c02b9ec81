/** The one address the ingest endpoint listens on: a SIEM forwarder on the same host, nobody else. */
export const INGEST_HOST = "127.0.0.1";
export const INGEST_PATH = "/v1/insights";

export function ingestUrl(port: number): string {
  return `http://${INGEST_HOST}:${port}${INGEST_PATH}`;
}
