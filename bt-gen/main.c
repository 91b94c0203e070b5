/*
 * bt-gen - typed AST in, bundle out: compiles a checked bt program to a
 * BPF ELF object through LLVM's BPF target and writes it with the tables
 * the runtime needs (WIRE.md "bundle").  The code generator is in the
 * other files of this directory (gen.h lists them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <llvm-c/Core.h>

#include "cli.h"
#include "diag.h"
#include "gen.h"
#include "wire.h"

#define PIDNS_INIT_INO 0xEFFFFFFCu   /* the kernel's PROC_PID_INIT_INO */

static const char usage_text[] =
"Usage: bt-gen [OPTIONS] [FILE]\n"
"Compile a typed AST (from bt-check) into a bundle: a BPF ELF object and\n"
"the tables bt-load and bt-fmt need.  Reads FILE or stdin (msgpack or JSON).\n"
"\n"
"  -o, --output FILE    write to FILE instead of stdout\n"
"      --json           write the bundle as JSON lines\n"
"      --emit-llvm      write the optimised LLVM IR (text) instead\n"
"      --emit-obj FILE  also write the raw ELF object to FILE\n"
"      --llvm-files P   also write the IR to P.original.ll and P.optimized.ll\n"
"      --verify         run LLVM's IR verifier before optimising\n"
"  -h, --help           show this help\n"
"  -V, --version        show the version\n"
"\n"
"Exit status: 0 ok, 1 the program cannot be compiled, 2 bad usage or\n"
"input stream, 3 system error.\n";

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n) {
		fprintf(stderr, "bt-gen: cannot write '%s': %s\n", path,
			strerror(errno));
		if (f)
			fclose(f);
		return -EIO;
	}
	return fclose(f) ? -EIO : 0;
}

/* the pid namespace for pid/tid, unless it is the initial one */
static void pidns_of_self(struct gen *g)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino == PIDNS_INIT_INO)
		return;
	g->pidns_dev = st.st_dev;
	g->pidns_ino = st.st_ino;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "emit-llvm", no_argument, NULL, 'L' },
		{ "emit-obj", required_argument, NULL, 'O' },
		{ "llvm-files", required_argument, NULL, 'F' },
		{ "verify", no_argument, NULL, 'Y' },
		{ 0 }
	};
	const char *emit_obj = NULL;
	bool emit_llvm = false;
	struct gen g = { 0 };
	struct wire_in *in;
	struct wire_out *wo;
	struct val *hdr, *prog;
	FILE *inf, *out;
	void *obj;
	size_t len;
	int c, ret, status = EXIT_OK;

	cli_init("bt-gen", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		switch (c) {
		case 'L':
			emit_llvm = true;
			break;
		case 'O':
			emit_obj = optarg;
			break;
		case 'F':
			g.llvm_files = optarg;
			break;
		case 'Y':
			g.verify_ir = true;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (optind + 1 < argc)
		cli_usage_error("too many arguments");
	inf = cli_open_input(argv[optind]);
	if (!inf)
		return EXIT_USAGE;

	g.a = arena_new();
	in = wire_in_open(inf, "bt-gen");
	if (wire_read_header(in, g.a, "typed-ast", &hdr))
		return EXIT_USAGE;
	ret = wire_in_next(in, g.a, &prog);
	if (ret == -ENODATA) {
		fprintf(stderr, "bt-gen: missing program after the header\n");
		return EXIT_USAGE;
	}
	if (ret)
		return EXIT_USAGE;
	if (ast_kind(prog) != AST_PROGRAM) {
		fprintf(stderr, "bt-gen: expected a program node after the "
			"header, got '%s'\n", val_kind_of(prog));
		return EXIT_USAGE;
	}
	diag_set_source_from_header(hdr);

	g.prog = prog;
	g.hdr = hdr;
	pidns_of_self(&g);
	g.config = val_get(prog, "config");
	g.helper_warnings = val_get_bool(prog, "helper_warnings", false);
	g.printfs = val_arr(g.a);
	g.prints = val_arr(g.a);
	g.times = val_arr(g.a);
	g.helper_errors = val_arr(g.a);
	g.funcs = val_arr(g.a);
	g.probes = val_arr(g.a);
	ret = gen_program(&g);
	if (ret) {
		btf_debug_cleanup(&g);
		return ret == -EINVAL ? EXIT_SCRIPT : EXIT_SYSTEM;
	}
	ret = gen_emit_object(&g, &obj, &len);
	if (ret)
		return ret == -EINVAL ? EXIT_SCRIPT : EXIT_SYSTEM;
	if (emit_obj && write_file(emit_obj, obj, len))
		return EXIT_SYSTEM;

	out = cli_open_output();
	if (!out)
		return EXIT_USAGE;
	if (emit_llvm) {
		char *ir = LLVMPrintModuleToString(g.mod);

		fputs(ir, out);
		LLVMDisposeMessage(ir);
	} else {
		wo = wire_out_open(out, cli.json);
		if (wire_out_write(wo, wire_header(g.a, "bundle", hdr)) ||
		    wire_out_write(wo, bundle_make(&g, obj, len)) ||
		    wire_out_close(wo))
			status = EXIT_SYSTEM;
	}
	wire_in_close(in);
	if (cli_close_output(out))
		status = EXIT_USAGE;
	return status;
}
