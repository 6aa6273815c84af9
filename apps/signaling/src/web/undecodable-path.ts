import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Request {
  method: string;
  path: string;
}
interface Response {
  status(code: number): Response;
  type(type: string): Response;
  send(body: string): void;
}

/**
 * A link whose percent-encoding is broken (`/r/%E0%A4%A`, often a room link cut short when pasted)
 * would get the router's raw JSON error. The person gets the web app instead, with status 400: it
 * says "not a valid room link" and offers a new room. Returns undefined when no web app is served.
 */
export function appForUndecodablePaths(webDist: string) {
  let page: string;
  try {
    page = readFileSync(join(webDist, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
  return (request: Request, response: Response, next: () => void): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    try {
      decodeURIComponent(request.path);
      next();
    } catch {
      response.status(400).type('html').send(page);
    }
  };
}
