/*
 * config.c - the `config = { key = value; ... }` block: keys are matched
 * case-insensitively with or without the `bpftrace_` prefix, the
 * environment (BPFTRACE_<KEY>) wins over the block, and the program's
 * resolved config (every key with its value) goes into the typed-ast
 * program node as "config".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

enum config_kind { CFG_INT, CFG_BOOL, CFG_STR };

static const struct config_key {
	const char *name;
	enum config_kind kind;
	int64_t def_int;
	const char *def_str;
	const char *const *choices;   /* NULL-ended, for CFG_STR */
} config_keys[] = {
#define CHOICES(...) (const char *const[]){ __VA_ARGS__, NULL }
	{ "cache_user_symbols", CFG_STR, 0, "PER_PROGRAM",
	  CHOICES("PER_PID", "PER_PROGRAM", "NONE") },
	{ "cpp_demangle", CFG_BOOL, 1 },
	{ "lazy_symbolication", CFG_BOOL, 1 },
	{ "license", CFG_STR, 0, "GPL",
	  CHOICES("Dual MIT/GPL", "Dual BSD/GPL", "Dual MPL/GPL",
		  "GPL and additional rights", "GPL v2", "GPL") },
	{ "log_size", CFG_INT, 1000000 },
	{ "max_bpf_progs", CFG_INT, 1024 },
	{ "max_cat_bytes", CFG_INT, 10240 },
	{ "max_map_keys", CFG_INT, 4096 },
	{ "max_probes", CFG_INT, 1024 },
	{ "max_strlen", CFG_INT, 1024 },
	{ "missing_probes", CFG_STR, 0, "error",
	  CHOICES("error", "warn", "ignore") },
	{ "on_stack_limit", CFG_INT, 32 },
	{ "perf_rb_pages", CFG_INT, 64 },
	{ "print_maps_on_exit", CFG_BOOL, 1 },
	{ "show_debug_info", CFG_BOOL, 1 },   /* upstream with its symbolizer: on */
	{ "use_blazesym", CFG_BOOL, 0 },
	{ "stack_mode", CFG_STR, 0, "bpftrace",
	  CHOICES("bpftrace", "perf", "raw", "build_id") },
	{ "str_trunc_trailer", CFG_STR, 0, "..", NULL },
	{ "unstable_tseries", CFG_STR, 0, "warn",
	  CHOICES("enable", "warn", "error") },
	{ "unstable_dw_ustack", CFG_STR, 0, "warn",
	  CHOICES("enable", "warn", "error") },
	{ "unstable_typeinfo", CFG_STR, 0, "error",
	  CHOICES("enable", "warn", "error") },
	{ "unstable_import_statement", CFG_STR, 0, "error",
	  CHOICES("enable", "warn", "error") },
#undef CHOICES
};

static const struct {
	const char *old, *now;
} config_renamed[] = {
	{ "strlen", "max_strlen" },
	{ "no_cpp_demangle", "cpp_demangle" },
	{ "cat_bytes_max", "max_cat_bytes" },
	{ "map_keys_max", "max_map_keys" },
};

static const char *const config_env_only[] = {
	"btf", "kernel_build", "kernel_source", "vmlinux",
};

static const char *const config_dead[] = {
	"symbol_source", "max_type_res_iterations", "unstable_addr",
	"unstable_import", "unstable_macro", "unstable_map_decl",
};

#define N_KEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static const struct config_key *config_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

/* set one key from a value given as text (environment) or a node */
static int config_set(struct check *ck, const struct config_key *k,
		      const struct val *node, const char *text, bool invert)
{
	struct arena *a = ck->a;
	const char *kind = node ? val_kind_of(node) : "str";
	const char *s = text;
	int64_t n = 0;
	size_t i;

	if (node && (!strcmp(kind, "str") || !strcmp(kind, "ident")))
		s = val_get_str(node, !strcmp(kind, "str") ? "v" : "name");
	switch (k->kind) {
	case CFG_INT:
		if (node && !strcmp(kind, "int")) {
			n = val_as_int(val_get(node, "v"));
		} else if (s && *s) {
			char *end;

			n = strtoll(s, &end, 0);
			if (*end)
				goto bad;
		} else {
			goto bad;
		}
		if (n < 0)
			goto bad;
		val_set_int(a, ck->config, k->name, n);
		if (!strcmp(k->name, "max_strlen"))
			ck->cfg.max_strlen = n;
		if (!strcmp(k->name, "max_map_keys"))
			ck->cfg.max_map_keys = n;
		return 0;
	case CFG_BOOL:
		if (node && !strcmp(kind, "bool"))
			n = val_get_bool(node, "v", false);
		else if (node && !strcmp(kind, "int"))
			n = val_as_int(val_get(node, "v"));
		else if (s && (!strcasecmp(s, "true") || !strcmp(s, "1")))
			n = 1;
		else if (s && (!strcasecmp(s, "false") || !strcmp(s, "0")))
			n = 0;
		else
			goto bad;
		if (n != 0 && n != 1)
			goto bad;
		val_set_bool(a, ck->config, k->name, invert ? !n : n);
		return 0;
	case CFG_STR:
		if (node && !strcmp(kind, "int") && !strcmp(k->name, "cache_user_symbols"))
			s = val_as_int(val_get(node, "v")) ? "PER_PROGRAM" : "NONE";
		if (!s)
			goto bad;
		for (i = 0; k->choices && k->choices[i]; i++)
			if (!strcasecmp(k->choices[i], s))
				break;
		if (k->choices && !k->choices[i])
			goto bad;
		val_set_str(a, ck->config, k->name,
			    k->choices ? k->choices[i] : s);
		if (!strcmp(k->name, "stack_mode"))
			ck->cfg.stack_mode = k->choices[i];
		return 0;
	}
bad:
	if (node && k->kind == CFG_STR && k->choices) {
		char list[512] = "";

		for (i = 0; k->choices[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s", i ? ", " : "", k->choices[i]);
		return check_error(ck, node, "Invalid value for %s. Found: %s. Valid values: %s",
				   k->name, s ? s : "", list);
	}
	if (node)
		return check_error(ck, node, "Invalid value for %s: %s",
				   k->name,
				   k->kind == CFG_INT ? "expected a non-negative integer" :
				   k->kind == CFG_BOOL ? "expected a boolean" :
				   "not one of the accepted values");
	return diag_error((struct diag_loc){ 0, 0 },
			  "Invalid value for %s in the environment: '%s'",
			  k->name, text ? text : "");
}

static const char *config_key_name(struct arena *a, const char *raw)
{
	char *k = arena_strdup(a, raw), *p;

	for (p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!strncmp(k, "bpftrace_", 9))
		k += 9;
	return k;
}

int check_config(struct check *ck, struct val *prog)
{
	struct val *cfgs = val_get(prog, "config");
	size_t i, j;

	ck->cfg.max_strlen = 1024;
	ck->cfg.max_map_keys = 4096;
	ck->cfg.stack_mode = "bpftrace";
	ck->config = val_map(ck->a);
	for (i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];

		if (k->kind == CFG_INT)
			val_set_int(ck->a, ck->config, k->name, k->def_int);
		else if (k->kind == CFG_BOOL)
			val_set_bool(ck->a, ck->config, k->name, k->def_int);
		else
			val_set_str(ck->a, ck->config, k->name, k->def_str);
	}
	for (i = 0; cfgs && cfgs->kind == VAL_ARR && i < cfgs->n; i++) {
		struct val *c = cfgs->items[i];
		const char *raw = val_get_str(c, "key");
		const char *key = config_key_name(ck->a, raw ? raw : "");
		const struct config_key *k = config_find(key);
		bool invert = false;

		for (j = 0; !k && j < sizeof(config_renamed) / sizeof(config_renamed[0]); j++) {
			if (strcmp(key, config_renamed[j].old))
				continue;
			k = config_find(config_renamed[j].now);
			invert = !strcmp(key, "no_cpp_demangle");
			check_warn(ck, c, "%s has been renamed, please use: %s",
				   raw, config_renamed[j].now);
		}
		for (j = 0; !k && j < sizeof(config_env_only) / sizeof(config_env_only[0]); j++)
			if (!strcmp(key, config_env_only[j]))
				break;
		if (!k && j < sizeof(config_env_only) / sizeof(config_env_only[0])) {
			check_error(ck, c, "%s can only be set as an environment variable",
				    raw);
			continue;
		}
		for (j = 0; !k && j < sizeof(config_dead) / sizeof(config_dead[0]); j++)
			if (!strcmp(key, config_dead[j]))
				break;
		if (!k && j < sizeof(config_dead) / sizeof(config_dead[0])) {
			check_warn(ck, c, "%s is deprecated and has no effect", raw);
			continue;
		}
		if (!k) {
			check_error(ck, c, "%s: not a known configuration option",
				    raw ? raw : "");
			continue;
		}
		config_set(ck, k, val_get(c, "value"), NULL, invert);
	}
	/* the environment wins */
	for (i = 0; i < N_KEYS; i++) {
		char env[80], *p;
		const char *v;

		snprintf(env, sizeof(env), "BPFTRACE_%s", config_keys[i].name);
		for (p = env; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		v = getenv(env);
		if (v)
			config_set(ck, &config_keys[i], NULL, v, false);
	}
	return 0;
}
