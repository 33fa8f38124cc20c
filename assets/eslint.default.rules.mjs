// The rules Kaizen brings to repositories without a linter config of their own. Each one
// either has a fix that cannot change what the program does, or has no fix at all (it only
// reports); each carries the one-line reason it is safe. A repository with its own ESLint
// config gets its own rules only, never these. tests/unit/analysis/bundled-rules.test.ts
// pins the lists, so adding a rule means writing down why its fix is behaviour-preserving.

const UNUSED_VARS_OPTIONS = {
  args: 'after-used',
  caughtErrors: 'none',
  ignoreRestSiblings: true,
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
};

/** Rules for every JavaScript and TypeScript file: `[setting, why it is safe]`. */
export const SHARED_RULES = {
  'prefer-const': [['warn', { destructuring: 'all' }], 'let → const only for bindings never reassigned: same value, scope and temporal dead zone'],
  'no-var': ['warn', "var → let only where ESLint proves scope, hoisting, redeclaration and loop closures unchanged; it leaves global and switch-case vars alone"],
  'object-shorthand': [['warn', 'properties', { avoidQuotes: true }], '{ a: a } → { a }: the same property and value; methods are left as written (a method cannot be constructed)'],
  'no-useless-rename': ['warn', '{ a: a } in destructuring, imports and exports → { a }: the same binding'],
  eqeqeq: [['warn', 'smart'], '== → === only when both sides are typeof results or literals of one type, where the two agree; other cases are reported, not fixed'],
  yoda: ['warn', "'red' === c → c === 'red': a literal has no side effects, so swapping it cannot change evaluation order"],
  'no-unneeded-ternary': ['warn', 'c ? true : false → !!c: the same boolean; x ? x : y is left alone (defaultAssignment)'],
  'operator-assignment': ['warn', 'x = x + y → x += y only when x is a name or a plain member of a name or this, evaluated the same number of times'],
  'no-extra-boolean-cast': ['warn', 'if (!!x) → if (x): the condition is converted to a boolean anyway'],
  'no-useless-computed-key': ['warn', "{ ['a']: 1 } → { a: 1 }: the same key; ['__proto__'], which differs from __proto__, is left alone"],
  'prefer-numeric-literals': ['warn', "parseInt('1F', 16) → 0x1F: the same number, only when parseInt is the global one and the string a valid literal"],
  'no-regex-spaces': ['warn', '/a   b/ → /a {3}b/: the same pattern'],
  'no-useless-concat': ['warn', "report only (no fix): 'a' + 'b' of two literals"],
};

/** Rules for JavaScript files only. */
export const JS_RULES = {
  'no-unused-vars': [['warn', UNUSED_VARS_OPTIONS], 'report only (no fix): an unused binding is dead code'],
  'no-undef': ['error', 'report only (no fix): a name nothing declares throws a ReferenceError when reached'],
};

/** Rules for TypeScript files only. */
export const TS_RULES = {
  '@typescript-eslint/no-unused-vars': [['warn', UNUSED_VARS_OPTIONS], 'report only (no fix): an unused binding is dead code; the core rule misreads type-only names'],
};

/**
 * Fixable rules left out because their fix can change behaviour, and how. (curly,
 * no-else-return, no-lonely-if, no-useless-return and prefer-exponentiation-operator are out
 * for another reason: their fixes assume a formatter runs afterwards.)
 */
export const EXCLUDED_RULES = {
  'prefer-arrow-callback': "function () {} → () => {} changes the function's name, this, arguments and new.target; it turned a test of named functions into a copy of its neighbour",
  'object-shorthand (methods)': 'f: function () {} → f() {}: a method cannot be constructed and has no prototype of its own',
  'dot-notation': "o['key'] → o.key: TypeScript checks the two differently (index signatures, private members) and minifiers mangle the dotted one",
  'no-extra-bind': "drops .bind(x): the function's name ('bound f' → 'f') and its prototype property change",
  'prefer-rest-params': "arguments → ...args changes the function's length and the aliasing of parameters",
  'prefer-spread': 'f.apply(o, a) → f(...a) needs an iterable where apply takes any array-like',
  'prefer-template': "'a' + x → `a${x}` converts x with toString where + uses valueOf first",
  'prefer-object-spread': 'Object.assign({}, a) → { ...a } skips setters and getters on the target',
};

/** The `rules` object ESLint wants, from one of the tables above. */
export function settingsOf(table) {
  return Object.fromEntries(
    Object.entries(table).map(([rule, [setting]]) => [rule, setting]),
  );
}
