/*
 * A kernel that does not exist: its task_struct has another layout than
 * any real one (and a bitfield).  Compiled to BTF and given to bt-check
 * and bt-gen as BPFTRACE_BTF, it makes a bundle whose member offsets are
 * all wrong for the running kernel unless libbpf's CO-RE relocations
 * fix them at load time (bt-gen.bats, "CO-RE").
 */
struct task_struct {
	long pad[5];
	int tgid;
	int pid;
	char comm[16];
	struct task_struct *real_parent;
	unsigned int in_execve : 1, in_iowait : 1, pad_bits : 30;
};

struct task_struct *bt_core_kernel_task;
