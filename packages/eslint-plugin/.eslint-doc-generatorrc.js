// Options for `eslint-doc-generator` (run in this package after `npm run build`; `npm run docs`
// regenerates, `npm run docs:check` fails when README.md or a rule doc header is out of date).

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['strict', '🔒'],
  ],
  // `# <rule-name>` then the description as a plain sentence (see `postprocess`).
  ruleDocTitleFormat: 'name',
  ruleDocNotices: ['description', 'deprecated', 'configs', 'hasSuggestions', 'options'],
  ruleDocSectionInclude: ['Rule details', 'Examples', 'Options', 'What this rule does not catch', 'When Not To Use It'],
  // Rules without options keep an "## Options" section ("This rule has no options."); every schema
  // property is checked to have a `### <option>` subsection by test/plugin.test.ts instead.
  ruleDocSectionOptions: false,
  ruleListColumns: ['name', 'description', 'configsError', 'hasSuggestions', 'options', 'deprecated'],
  // The generator prefixes the description notice with 📝; our docs start with the bare sentence,
  // which test/plugin.test.ts compares to `meta.docs.description`.
  postprocess: (content, path) => (path.endsWith('README.md') ? content : content.replace(/^📝 /mu, '')),
};

export default config;
