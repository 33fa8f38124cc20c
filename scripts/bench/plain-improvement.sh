#!/usr/bin/env bash
# One autofix improvement done by hand, the benchmark's "plain" side: a worktree on a new
# branch, the checkout's node_modules linked in, the repository's own ESLint fixing one file
# with the repository's config, the tests once, a commit, a fast-forward of the checkout
# (which must be clean, as Kaizen requires), and the worktree and branch removed.
# Prints "step epoch-seconds" at each step boundary (bash 5's clock: no extra process).
# Usage: plain-improvement.sh REPO FILE ID
set -euo pipefail
repo=$1
file=$2
id=$3
worktree="$repo-wt-$id"
branch="plain/$id"
mark() { echo "$1 ${EPOCHREALTIME:-$(date +%s)}"; }

mark worktree
git -C "$repo" worktree add --quiet -b "$branch" "$worktree"
ln -s "$repo/node_modules" "$worktree/node_modules"
cd "$worktree"
mark lint
node_modules/.bin/eslint --fix -- "$file"
mark test
if ! npm test > "$worktree.test.log" 2>&1; then
  tail -n 40 "$worktree.test.log" >&2
  exit 1
fi
mark commit
git commit --quiet -m "Fix the lint findings in $file" -- "$file"
mark merge
cd "$repo"
git merge --quiet --ff-only "$branch"
mark cleanup
rm "$worktree/node_modules"
git worktree remove "$worktree"
git branch --quiet -d "$branch"
rm -f "$worktree.test.log"
mark done
