/* simple.c -> libsimple.so: a shared library with one exported function
 * fun().  It is installed without the executable bit, to check that uprobes
 * can be listed and attached in non-executable objects. */
__attribute__((visibility("default"))) void fun(void)
{
}
