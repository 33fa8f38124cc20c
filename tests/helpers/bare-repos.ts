// Bare git repositories in a temp folder, as a forge keeps them: written to only through
// git plumbing (no working tree), with hooks that refuse pushes to protected branches and
// record every push. The git HTTP remote serves them; the forge fakes merge in them.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Git isolated from the machine's configuration, for the remote and everything it runs. */
export const ISOLATED_GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export interface Identity {
  name: string;
  email: string;
}

export const FORGE_IDENTITY: Identity = { name: 'Forge', email: 'noreply@forge.test' };

export interface PushRecord {
  /** REMOTE_USER of the push (the token's user), or '-' for a file:// push. */
  user: string;
  updates: { ref: string; old: string; new: string }[];
}

export type ProtectionStyle = 'github' | 'gitlab' | 'gitea';

const ZERO = '0000000000000000000000000000000000000000';

// Messages modelled on what each forge's server prints for a refused push; git adds
// " ! [remote rejected] main -> main (pre-receive hook declined)" itself.
const PROTECTION_MESSAGES: Record<ProtectionStyle, (branch: string) => string[]> = {
  github: (branch) => [`error: GH006: Protected branch update failed for refs/heads/${branch}.`, 'error: Changes must be made through a pull request.'],
  gitlab: () => ['GitLab: You are not allowed to push code to protected branches on this project.'],
  gitea: (branch) => [`Gitea: Not allowed to push to protected branch ${branch}`],
};

const PRE_RECEIVE = `#!/bin/sh
# Refuses updates of protected branches, printing the message the test configured.
refused=0
while read old new ref; do
  case "$ref" in refs/heads/*) ;; *) continue ;; esac
  branch=\${ref#refs/heads/}
  message=$(git config --get-all "fake-protect.$branch.message")
  if [ -n "$message" ]; then
    printf '%s\\n' "$message" >&2
    refused=1
  fi
done
exit $refused
`;

const POST_RECEIVE = `#!/bin/sh
# One line per push: user, then old new ref for each updated ref.
line="\${REMOTE_USER:--}"
while read old new ref; do line="$line $old $new $ref"; done
echo "$line" >> "$GIT_DIR/fake-pushes.log"
`;

export class BareRepos {
  readonly root: string;

  constructor(root = mkdtempSync(join(tmpdir(), 'kaizen-remote-'))) {
    this.root = root;
  }

  /** A new bare repository `<name>.git` (name may contain slashes: `group/project`). */
  create(name: string, opts: { files?: Record<string, string>; branch?: string; author?: Identity } = {}): string {
    const path = this.path(name);
    if (existsSync(path)) throw new Error(`repository ${name} already exists in ${this.root}`);
    mkdirSync(dirname(path), { recursive: true });
    const branch = opts.branch ?? 'main';
    execFileSync('git', ['init', '-q', '--bare', `--initial-branch=${branch}`, path], { env: ISOLATED_GIT_ENV });
    this.installHook(name, 'pre-receive', PRE_RECEIVE);
    this.installHook(name, 'post-receive', POST_RECEIVE);
    this.commitFiles(name, branch, opts.files ?? { 'README.md': `# ${name}\n` }, { message: 'Initial commit', author: opts.author });
    return path;
  }

  path(name: string): string {
    return join(this.root, `${name}.git`);
  }

  exists(name: string): boolean {
    return existsSync(join(this.path(name), 'HEAD'));
  }

  git(name: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
    return execFileSync('git', args, {
      cwd: this.path(name),
      env: { ...ISOLATED_GIT_ENV, ...opts.env },
      input: opts.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim();
  }

  /** Every ref and the commit it points at: `{ 'refs/heads/main': 'abc…' }`. */
  refs(name: string): Record<string, string> {
    const out = this.git(name, ['for-each-ref', '--format=%(refname) %(objectname)']);
    return Object.fromEntries(out.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
  }

  /** The commit a branch points at, or undefined when it does not exist. */
  branchSha(name: string, branch: string): string | undefined {
    return this.refs(name)[`refs/heads/${branch}`];
  }

  /** True when `ancestor` is reachable from `descendant`. */
  isAncestor(name: string, ancestor: string, descendant: string): boolean {
    try {
      this.git(name, ['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Commits file changes on a branch without a working tree (a null content deletes the file)
   * and moves the branch with compare-and-swap; creates the branch from `from` (default: the
   * branch itself, or nothing) when it does not exist. Returns the new commit.
   */
  commitFiles(
    name: string,
    branch: string,
    files: Record<string, string | null>,
    opts: { message: string; author?: Identity; from?: string },
  ): string {
    const current = this.branchSha(name, branch);
    const parent = current ?? (opts.from ? this.git(name, ['rev-parse', `${opts.from}^{commit}`]) : undefined);
    const index = join(mkdtempSync(join(tmpdir(), 'kaizen-index-')), 'index');
    const env = { GIT_INDEX_FILE: index, ...identityEnv(opts.author ?? FORGE_IDENTITY) };
    try {
      this.git(name, parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
      for (const [file, content] of Object.entries(files)) {
        if (content === null) {
          this.git(name, ['update-index', '--force-remove', '--', file], { env });
        } else {
          const blob = this.git(name, ['hash-object', '-w', '--stdin'], { input: content, env });
          this.git(name, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
        }
      }
      const tree = this.git(name, ['write-tree'], { env });
      const commit = this.git(name, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', opts.message], { env });
      this.git(name, ['update-ref', `refs/heads/${branch}`, commit, current ?? ZERO]);
      return commit;
    } finally {
      rmSync(dirname(index), { recursive: true, force: true });
    }
  }

  /** Pushes to the branch are refused by the pre-receive hook with the forge's message. */
  protectBranch(name: string, branch: string, style: ProtectionStyle = 'github'): void {
    this.unprotectBranch(name, branch);
    for (const line of PROTECTION_MESSAGES[style](branch)) this.git(name, ['config', '--add', `fake-protect.${branch}.message`, line]);
  }

  unprotectBranch(name: string, branch: string): void {
    try {
      this.git(name, ['config', '--unset-all', `fake-protect.${branch}.message`]);
    } catch {
      // was not protected
    }
  }

  isProtected(name: string, branch: string): boolean {
    try {
      return this.git(name, ['config', '--get-all', `fake-protect.${branch}.message`]) !== '';
    } catch {
      return false;
    }
  }

  /** The pushes that changed refs, oldest first (refused pushes never reach post-receive). */
  pushes(name: string): PushRecord[] {
    const log = join(this.path(name), 'fake-pushes.log');
    if (!existsSync(log)) return [];
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [user = '-', ...rest] = line.split(' ');
        const updates: PushRecord['updates'] = [];
        for (let i = 0; i + 2 < rest.length; i += 3) updates.push({ old: rest[i]!, new: rest[i + 1]!, ref: rest[i + 2]! });
        return { user, updates };
      });
  }

  /** Removes the temp folder with every repository. */
  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private installHook(name: string, hook: string, script: string): void {
    const file = join(this.path(name), 'hooks', hook);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
}

export function identityEnv(who: Identity): NodeJS.ProcessEnv {
  return { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
}

/** A file:// URL for a repository, for tests that need a real remote but no HTTP. */
export function fileUrl(repos: BareRepos, name: string): string {
  return `file://${repos.path(name)}`;
}
