// ESLint for the desk JavaScript (order_coordination/**/*.js) and the browser walk (browser/*.mjs).
// The rules are Frappe's own (.eslintrc in frappe/frappe): eslint:recommended, with unused variables,
// redeclarations and console calls as warnings. Layout is prettier's job (.prettierrc), not eslint's.
import js from "@eslint/js";
import globals from "globals";

// What the Frappe desk puts on window (a subset of the globals in frappe's .eslintrc), ERPNext's namespace,
// and this app's own (frappe.provide("order_coordination") in public/js).
const frappeGlobals = Object.fromEntries(
	[
		"frappe",
		"__",
		"$",
		"jQuery",
		"moment",
		"locals",
		"cur_frm",
		"cur_list",
		"cur_dialog",
		"cur_page",
		"cur_tree",
		"msg_dialog",
		"cint",
		"cstr",
		"flt",
		"precision",
		"format_currency",
		"format_number",
		"in_list",
		"is_null",
		"has_common",
		"strip_html",
		"refresh_field",
		"refresh_many",
		"toggle_field",
		"hide_field",
		"unhide_field",
		"set_field_options",
		"Chart",
		"DataTable",
		"erpnext",
	].map((name) => [name, "readonly"])
);

export default [
	{
		ignores: ["**/node_modules/**", "order_coordination/public/dist/**"],
	},
	js.configs.recommended,
	{
		linterOptions: { reportUnusedDisableDirectives: "error" },
		rules: {
			"no-unused-vars": "warn",
			"no-redeclare": "warn",
			"no-console": "warn",
			"no-extra-boolean-cast": "off",
			"no-control-regex": "off",
		},
	},
	{
		files: ["order_coordination/**/*.js"],
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: "module",
			globals: {
				...globals.browser,
				...frappeGlobals,
				order_coordination: "readonly",
			},
		},
	},
	{
		// A Node script; the functions it hands to page.waitForFunction run in the desk, hence the desk's globals.
		files: ["browser/**/*.mjs"],
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: "module",
			globals: { ...globals.node, ...globals.browser, cur_frm: "readonly", frappe: "readonly" },
		},
		rules: { "no-console": "off" },
	},
];
