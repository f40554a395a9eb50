/**
 * The ceiling bench/edge.ts measures the Worker against: a Worker that answers every request
 * with constant bytes. They are the app's own answer for the same path, fetched once from
 * APP_URL on the first request and kept in the isolate, so both Workers send the same bytes.
 */
interface Env {
  APP_URL: string;
}

const held = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname;
    let constant = held.get(path);
    if (!constant) {
      const answer = await fetch(`${env.APP_URL}${path}`);
      constant = {
        body: new Uint8Array(await answer.arrayBuffer()),
        type: answer.headers.get('content-type') ?? 'application/octet-stream',
      };
      held.set(path, constant);
    }
    return new Response(constant.body, { headers: { 'content-type': constant.type } });
  },
};
