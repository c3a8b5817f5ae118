// Amazon's apl-suggester on each APL document given: prints every finding as JSON, exits 1 if any.
"use strict";
const fs = require("fs");
const { StaticAplTemplateValidator } = require("apl-suggester");

async function main(paths) {
  const validator = new StaticAplTemplateValidator();
  let findings = 0;
  for (const path of paths) {
    const document = JSON.parse(fs.readFileSync(path, "utf8"));
    const results = await validator.validate(document);
    for (const result of results) {
      findings += 1;
      console.log(JSON.stringify({ file: path, path: result.path, level: result.level, message: result.errorMessage }));
    }
  }
  console.error(`apl-suggester ${require("apl-suggester/package.json").version}: ${findings} finding(s) in ${paths.length} document(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(`apl-suggester could not run: ${error.message}`);
  process.exit(2);
});
