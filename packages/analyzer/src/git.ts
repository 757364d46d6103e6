import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A git command that failed, with git's own message. */
export class GitError extends Error {
  override name = 'GitError';
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    const detail = stderr !== undefined && stderr !== '' ? stderr : (error as Error).message;
    throw new GitError(`git ${args.join(' ')} failed in ${cwd}: ${detail}`);
  }
}

/**
 * Returns the repo-relative paths changed since `ref`: commits since the merge base, staged and
 * unstaged edits, and untracked files, with paths relative to `root`.
 */
export function changedFilesSince(root: string, ref: string): string[] {
  const topLevel = git(root, ['rev-parse', '--show-toplevel']).trim();
  const prefix = git(root, ['rev-parse', '--show-prefix']).trim();
  const base = git(root, ['merge-base', ref, 'HEAD']).trim();

  const lists = [
    git(topLevel, ['diff', '--name-only', base, '--']),
    git(topLevel, ['diff', '--name-only', '--cached', '--']),
    git(topLevel, ['ls-files', '--others', '--exclude-standard']),
  ];
  const files = new Set<string>();
  for (const list of lists) {
    for (const line of list.split('\n')) {
      if (line !== '' && line.startsWith(prefix)) files.add(line.slice(prefix.length));
    }
  }
  return [...files].sort();
}

/**
 * Checks out `ref` into a temporary worktree that shares this checkout's `node_modules`, so the
 * old revision resolves the same types. Returns its path and a function that removes it.
 */
export function checkoutRevision(root: string, ref: string): { dir: string; remove: () => void } {
  const topLevel = git(root, ['rev-parse', '--show-toplevel']).trim();
  const prefix = git(root, ['rev-parse', '--show-prefix']).trim();
  const dir = mkdtempSync(join(tmpdir(), 'telltale-compare-'));
  const worktree = join(dir, 'tree');

  try {
    git(topLevel, ['worktree', 'add', '--detach', worktree, ref]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const modules = join(topLevel, 'node_modules');
  if (existsSync(modules) && !existsSync(join(worktree, 'node_modules')))
    symlinkSync(modules, join(worktree, 'node_modules'));

  return {
    dir: join(worktree, prefix),
    remove: () => {
      try {
        git(topLevel, ['worktree', 'remove', '--force', worktree]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
