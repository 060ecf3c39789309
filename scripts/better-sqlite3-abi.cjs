/**
 * Preloaded (`node --require`) by scripts/unit-on-node.mjs when the unit tests run on a Node major other than the
 * one the workspace was installed with. better-sqlite3's addon in node_modules is compiled for the installing
 * Node's ABI and cannot load under another one; this swaps in the copy compiled for the running Node, named by
 * AFTERSALES_BETTER_SQLITE3_ADDON, at the single place every `.node` file is opened. Nothing else is touched,
 * and without the variable it does nothing.
 */
'use strict';
const addon = process.env.AFTERSALES_BETTER_SQLITE3_ADDON;
if (addon) {
  const dlopen = process.dlopen;
  process.dlopen = function dlopenForThisAbi(module, filename, ...rest) {
    return dlopen.call(this, module, /[\\/]better_sqlite3\.node$/.test(filename) ? addon : filename, ...rest);
  };
}
