/**
 * Posting to a Slack incoming webhook. The webhook URL is a credential (its path is the token), so
 * messages name only the host.
 */
import { ExternalServiceError } from '../../../../protocol/src/task-contract.ts';
import { parseUrl, send } from './http.ts';

export async function postToSlack(
  taskId: string,
  urlText: string,
  payload: string,
  signal: AbortSignal,
): Promise<void> {
  const url = parseUrl(taskId, 'url', urlText);
  const label = `the Slack webhook at ${url.origin}`;
  const response = await send({
    taskId,
    url,
    method: 'POST',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: payload,
    signal,
    label,
  });
  const body = await response.text();
  if (response.status >= 300) {
    throw new ExternalServiceError(
      `task '${taskId}': ${label} answered HTTP ${response.status}${body.trim() === '' ? '' : ` (${body.trim().slice(0, 200)})`}; check the webhook URL and the payload`,
    );
  }
}
