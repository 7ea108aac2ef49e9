// Validate SARIF files against the vendored official SARIF 2.1.0 schema with ajv (draft-07) and
// ajv-formats (uri, uri-reference, date-time are checked, not ignored). Exit 1 on any error.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (validate(doc)) {
    console.log(`${file}: valid SARIF 2.1.0 (${doc.runs[0].results.length} results)`);
  } else {
    bad++;
    for (const e of validate.errors) console.error(`${file}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(bad ? 1 : 0);
