// A real git remote over smart HTTP: bare repositories served by `git http-backend` (the CGI
// program git ships), spawned per request behind a small server that demands a token. Push,
// fetch, auth failures and protected-branch refusals are git's own behaviour.
//
//   const remote = await startGitHttpRemote();            // token 'git-token' of user 'kaizen-bot'
//   remote.createRepo('acme/app', { 'index.js': '…' });
//   git clone -c http.extraHeader="Authorization: Bearer git-token" ${remote.repoUrl('acme/app')}
//   remote.repos.protectBranch('acme/app', 'main', 'github');  // push to main refused like GitHub
//   remote.tokens.makeReadOnly('git-token');             // push answers 403, fetch still works
//   remote.repos.pushes('acme/app'), remote.repos.refs('acme/app'), remote.requests
//   await remote.close();
//
// Accepted credentials: `Authorization: Basic` with the token as the password and any user
// name (GitHub `x-access-token:<token>`, GitLab `oauth2:<token>`, Gitea `<user>:<token>`),
// or `Authorization: Bearer <token>`. Without credentials the answer is 401 with a Basic
// challenge, so git asks its credential helper, and fails with "terminal prompts disabled"
// or "Authentication failed" when there is none or the token is wrong or revoked.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BareRepos, ISOLATED_GIT_ENV } from './bare-repos.js';
import { RemoteTokens, credentialsOf } from './remote-tokens.js';

export interface GitRequestRecord {
  method: string;
  path: string;
  service: 'git-upload-pack' | 'git-receive-pack';
  user?: string;
  /** The user name given with Basic auth (e.g. `x-access-token`), when Basic was used. */
  basicUser?: string;
  scheme?: string;
  contentEncoding?: string;
  /** 'chunked' for a body git streamed without a length (larger than http.postBuffer). */
  transferEncoding?: string;
  status: number;
}

export interface GitHttpRemote {
  /** http://127.0.0.1:<port> */
  url: string;
  repos: BareRepos;
  tokens: RemoteTokens;
  requests: GitRequestRecord[];
  /** `${url}/${name}.git` */
  repoUrl(name: string): string;
  /** A bare repository with one commit of `files` on `main` (default: a README). */
  createRepo(name: string, files?: Record<string, string>): string;
  close(): Promise<void>;
}

const SMART_PATH = /^\/(.+\.git)(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/**
 * Serves git's smart HTTP protocol for the repositories in `repos`. Returns false when the
 * request is not a git request, so a forge fake can mount it next to its API.
 */
export function createGitHttpHandler(repos: BareRepos, tokens: RemoteTokens, requests: GitRequestRecord[], realm = 'Git'): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = SMART_PATH.exec(decodeURIComponent(url.pathname));
    if (!match) return false;
    const [, repoPath = '', action = ''] = match;
    const service = action === '/info/refs' ? url.searchParams.get('service') : action.slice(1);
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack') {
      // Only smart HTTP: GitHub and the others refuse the dumb protocol too.
      answer(res, 403, 'Please upgrade your git client: only the smart HTTP protocol is served.\n');
      return true;
    }
    const credentials = credentialsOf(req.headers.authorization);
    const grant = tokens.lookup(credentials?.token);
    const record: GitRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      service,
      user: grant?.user,
      basicUser: credentials?.scheme === 'basic' ? credentials.user : undefined,
      scheme: credentials?.scheme,
      contentEncoding: req.headers['content-encoding'],
      transferEncoding: req.headers['transfer-encoding'],
      status: 0,
    };
    requests.push(record);
    const name = repoPath.replace(/\.git$/, '');
    if (!grant || credentials?.scheme === 'token') {
      record.status = 401;
      res.setHeader('WWW-Authenticate', `Basic realm="${realm}"`);
      answer(res, 401, credentials ? 'Invalid username or token. Password authentication is not supported for Git operations.\n' : 'Authentication required.\n');
      return true;
    }
    if (!repos.exists(name)) {
      record.status = 404;
      answer(res, 404, 'Repository not found.\n');
      return true;
    }
    if (service === 'git-receive-pack' && grant.access !== 'write') {
      record.status = 403;
      answer(res, 403, `Permission to ${name}.git denied to ${grant.user}.\n`);
      return true;
    }
    runHttpBackend(req, res, repos.root, `/${repoPath}${action}`, url.search.slice(1), grant.user, record);
    return true;
  };
}

export async function startGitHttpRemote(opts: { tokens?: RemoteTokens; repos?: BareRepos } = {}): Promise<GitHttpRemote> {
  const repos = opts.repos ?? new BareRepos();
  const tokens = opts.tokens ?? new RemoteTokens({ 'git-token': { user: 'kaizen-bot', access: 'write' } });
  const requests: GitRequestRecord[] = [];
  const handle = createGitHttpHandler(repos, tokens, requests);
  const server = createServer((req, res) => {
    if (!handle(req, res)) answer(res, 404, 'Not Found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repos,
    tokens,
    requests,
    repoUrl: (name) => `${url}/${name}.git`,
    createRepo: (name, files) => repos.create(name, { files }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!opts.repos) repos.cleanup();
      }),
  };
}

function answer(res: ServerResponse, status: number, text: string): void {
  // text/plain bodies are what git prints as "remote: …" next to its own error.
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** Runs `git http-backend` as a CGI program: request body in, CGI headers and body out. */
function runHttpBackend(req: IncomingMessage, res: ServerResponse, projectRoot: string, pathInfo: string, query: string, user: string, record: GitRequestRecord): void {
  const header = (name: string) => req.headers[name] as string | undefined;
  const env: NodeJS.ProcessEnv = {
    ...ISOLATED_GIT_ENV,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: header('content-type') ?? '',
  };
  // Without CONTENT_LENGTH http-backend reads to the end (git sends large bodies chunked);
  // it inflates a gzip body itself when told the encoding.
  if (header('content-length')) env.CONTENT_LENGTH = header('content-length');
  if (header('content-encoding')) env.HTTP_CONTENT_ENCODING = header('content-encoding');
  if (header('git-protocol')) env.HTTP_GIT_PROTOCOL = header('git-protocol');
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined); // the backend may answer before reading everything
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (end < 0) return;
    headersDone = true;
    const { status, headers } = parseCgiHeaders(head.subarray(0, end).toString('latin1'));
    record.status = status;
    res.writeHead(status, headers);
    res.write(head.subarray(end + (head[end] === 13 ? 4 : 2)));
  });
  child.on('error', (error) => {
    record.status = 500;
    if (!res.headersSent) answer(res, 500, `git http-backend could not start: ${error.message}\n`);
    else res.destroy(error);
  });
  child.on('close', (code) => {
    if (!headersDone) {
      record.status = 500;
      answer(res, 500, `git http-backend exited ${code} without an answer: ${stderr}\n`);
    } else {
      res.end();
    }
  });
}

function headerEnd(buffer: Buffer): number {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf;
  return lf;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[key] = value;
  }
  return { status, headers };
}
