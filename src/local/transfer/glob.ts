/**
 * fnmatch-style globs on single names (filter rules, delete with interpret_globs, ls
 * `name:~` filters): `*`, `?`, `[...]`/`[!...]`, and backslash escapes. Names never contain
 * "/", so `*` matches any run of characters, dots included.
 */
export function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "\\" && i + 1 < glob.length) re += escapeChar(glob[++i]);
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (m) => "\\" + m)}]`;
      i = close;
    } else re += escapeChar(c);
  }
  return new RegExp(re + "$", "s");
}

export function hasGlobMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

export function globMatch(glob: string, name: string): boolean {
  return globToRegExp(glob).test(name);
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? "\\" + c : c;
}
