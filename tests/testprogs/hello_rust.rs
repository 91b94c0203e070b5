// hello_rust: optional Rust target (built only when rustc is installed),
// for cases that list and probe Rust symbols: main() calls fun1(0).

#[inline(never)]
fn fun1(x: i64) {
    println!("{}", x);
}

fn main() {
    fun1(0);
}
