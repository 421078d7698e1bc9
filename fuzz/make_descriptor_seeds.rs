//! Compiles each testdata `.proto` file with protox into a binary
//! FileDescriptorSet: seeds for the protobuf_descriptor_set target.
//! `cargo run --bin make_descriptor_seeds -- ../testdata corpus/protobuf_descriptor_set`

use prost::Message as _;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (src, out) = (&args[1], &args[2]);
    std::fs::create_dir_all(out).expect("output directory");
    let mut n = 0;
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "proto") {
                let dir = p.parent().expect("parent");
                let name = p.file_name().expect("name").to_string_lossy().into_owned();
                if let Ok(fds) = protox::compile([name.as_str()], [dir]) {
                    n += 1;
                    std::fs::write(format!("{out}/seed{n}.binpb"), fds.encode_to_vec())
                        .expect("write seed");
                }
            }
        }
    }
    println!("{n} descriptor sets");
}
