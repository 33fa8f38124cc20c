// Web UI links for messages. The base comes from the worker's environment at delivery
// time, the namespace from the workflow that sends.

/** KAIZEN_UI_URL, else the dev server's convention (a local gRPC port + 1000), else :8233. */
export function webUiBase(env: Readonly<Record<string, string | undefined>>): string {
  if (env.KAIZEN_UI_URL) return env.KAIZEN_UI_URL.replace(/\/+$/, '');
  const match = /^(localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(env.TEMPORAL_ADDRESS ?? '');
  return `http://localhost:${match ? Number(match[2]) + 1000 : 8233}`;
}

export function workflowLink(base: string, namespace: string, workflowId: string): string {
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
