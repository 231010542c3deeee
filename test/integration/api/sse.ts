/** Reads a Server-Sent Events response to its end: each event's name (default `message`) and data. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export async function readEvents(
  res: Response,
  timeoutMs = 5000,
  onFirstChunk?: () => Promise<void>,
): Promise<SseEvent[]> {
  const body = res.body;
  if (body === null) throw new Error('the response has no body');
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(
    () => void reader.cancel(new Error(`stream still open after ${timeoutMs} ms`)),
    timeoutMs,
  );
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (text === '' && onFirstChunk !== undefined) await onFirstChunk();
      text += value;
    }
  } finally {
    clearTimeout(timer);
  }
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const at = line.indexOf(':');
        const field = line.slice(0, at);
        const value = line.slice(at + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') event.id = value;
      }
      event.data = data.join('\n');
      return event;
    });
}
