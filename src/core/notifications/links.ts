// Web UI links for messages: the base comes from the worker's environment at delivery time
// (webUiBase in core/config/environment.ts), the namespace from the workflow that sends.

export function workflowLink(base: string, namespace: string, workflowId: string): string {
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
