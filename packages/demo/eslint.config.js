// @ts-check
// The repository's config, plus one exception: the Flask ports and the no-checks examples keep
// their mistakes on purpose (the demo lints them to show what the plugin finds).
import rebindGuard from '@rebind-guard/eslint-plugin';
import root from '../../eslint.config.js';

export default [
  ...root,
  {
    files: ['examples/**/unprotected.js', 'examples/**/naive.js'],
    rules: Object.fromEntries(Object.keys(rebindGuard.rules).map((name) => [`@rebind-guard/${name}`, 'off'])),
  },
];
