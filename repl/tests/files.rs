//! Never lose a world (issue 18): saves are atomic, `load` and `import` refuse what is not a world
//! or an estate, `export` writes a clean folder, and the filesystem host neither follows links out
//! of a folder nor reads special files or files without end.

use rootsim::host::FsHost;
use rootsim_model::{Host, Session};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh folder for one test, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rootsim-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn accounts(session: &Session) -> usize {
    session.world.accounts.by_id.len()
}

#[test]
fn a_save_that_fails_halfway_keeps_the_previous_file_whole() {
    let dir = scratch("save");
    let file = dir.join("world.json");
    let mut host = FsHost::cwd();
    let small = Session::empty(1);
    host.write_atomic(&s(&file), &small.to_json()).unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    // A file size limit stands in for a full disk: the demo world's save is far larger than 8 KiB,
    // so writing it fails with EFBIG halfway (SIGXFSZ ignored, so the write returns the error).
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f 16; exec {}", env!("CARGO_BIN_EXE_rootsim")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "save {}", s(&file)).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the save failed: {stderr}");
    assert!(stderr.contains(&s(&file)), "the error names the file: {stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "the previous save is whole");
    assert!(Session::from_json(&before).is_ok());
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind: {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_and_import_refuse_a_folder_that_is_no_estate_and_keep_the_world() {
    let dir = scratch("load");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let saves = dir.join("saves");
    std::fs::create_dir(&saves).unwrap();
    std::fs::write(saves.join("monday.json"), Session::empty(1).to_json()).unwrap();
    let mut host = FsHost::cwd();
    for folder in [&empty, &saves] {
        let mut session = Session::demo(1);
        let n = accounts(&session);
        let out = session.execute(&format!("load {}", s(folder)), &mut host);
        assert!(!out.ok, "{}", out.text);
        assert!(out.text.contains("not an estate folder"), "{}", out.text);
        assert_eq!(accounts(&session), n, "the world is kept");
        let e = rootsim_model::import::read_estate(&host, &s(folder), 1).unwrap_err();
        assert!(e.contains("not an estate folder"), "{e}");
    }
    // A file that is no saved world is refused too, and the world kept.
    let mut session = Session::demo(1);
    std::fs::write(dir.join("junk.json"), "{\"not\": \"a world\"}").unwrap();
    let out = session.execute(&format!("load {}", s(&dir.join("junk.json"))), &mut host);
    assert!(!out.ok && out.text.contains("junk.json"), "{}", out.text);
    assert_eq!(accounts(&session), accounts(&Session::demo(1)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_writes_a_clean_folder_and_force_removes_only_a_previous_export() {
    let dir = scratch("export");
    let out_dir = s(&dir.join("estate"));
    let mut host = FsHost::cwd();
    let mut session = Session::demo(1);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::stale-b/*"}]}"#;
    for line in [
        "aws s3api create-bucket --bucket stale-b",
        &format!("aws s3api put-bucket-policy --bucket stale-b --policy '{policy}'"),
    ] {
        let o = session.execute(line, &mut host);
        assert!(o.ok, "{line}: {}", o.text);
    }
    assert!(session.execute(&format!("export {out_dir}"), &mut host).ok);
    let bucket_file = std::fs::read_dir(dir.join("estate/accounts"))
        .unwrap()
        .map(|e| e.unwrap().path().join("s3/stale-b.json"))
        .find(|p| p.exists())
        .expect("the bucket policy was exported");
    std::fs::write(dir.join("estate/NOTES.txt"), "mine").unwrap();
    assert!(session.execute("aws s3api delete-bucket-policy --bucket stale-b", &mut host).ok);

    let refused = session.execute(&format!("export {out_dir}"), &mut host);
    assert!(!refused.ok && refused.text.contains("--force"), "{}", refused.text);
    assert!(bucket_file.exists(), "a refused export changes nothing");

    let forced = session.execute(&format!("export {out_dir} --force"), &mut host);
    assert!(forced.ok, "{}", forced.text);
    assert!(!bucket_file.exists(), "the deleted bucket policy is gone from the export");
    assert_eq!(std::fs::read_to_string(dir.join("estate/NOTES.txt")).unwrap(), "mine", "other files are kept");
    let mut back = Session::demo(1);
    assert!(back.execute(&format!("load {out_dir}"), &mut host).ok);
    assert!(back.world.s3.buckets.values().all(|b| b.policy.is_none()), "no policy comes back");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An estate folder with one account, for the walking tests.
fn estate(dir: &Path) {
    std::fs::create_dir_all(dir.join("accounts/111122223333")).unwrap();
    std::fs::write(dir.join("accounts/111122223333/iam.json"), "{\"UserDetailList\": []}").unwrap();
}

#[test]
fn walking_a_folder_never_follows_linked_folders_nor_links_out_of_it() {
    let dir = scratch("links");
    let outside = dir.join("outside.json");
    std::fs::write(&outside, "{}").unwrap();
    let est = dir.join("estate");
    estate(&est);
    symlink(".", est.join("loop")).unwrap();
    symlink("/", est.join("root")).unwrap();
    symlink(&outside, est.join("accounts/111122223333/escape.json")).unwrap();
    symlink("iam.json", est.join("accounts/111122223333/inside.json")).unwrap();
    symlink("missing", est.join("broken.json")).unwrap();
    let host = FsHost::cwd();
    let started = Instant::now();
    let files = host.list_files(&s(&est)).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(files, ["accounts/111122223333/iam.json", "accounts/111122223333/inside.json"]);
    assert!(rootsim_model::import::read_estate(&host, &s(&est), 1).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn special_files_are_refused_without_being_opened() {
    let dir = scratch("special");
    let fifo = dir.join("pipe.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let host = FsHost::cwd();
    let started = Instant::now();
    let e = host.read_file(&s(&fifo)).unwrap_err();
    assert!(e.contains("FIFO"), "{e}");
    let e = host.read_file("/dev/zero").unwrap_err();
    assert!(e.contains("character device"), "{e}");
    // In a folder walk too: the import stops, naming the file.
    let est = dir.join("estate");
    estate(&est);
    assert!(Command::new("mkfifo").arg(est.join("accounts/111122223333/s3.json")).status().unwrap().success());
    let e = rootsim_model::import::read_estate(&host, &s(&est), 1).unwrap_err();
    assert!(e.contains("s3.json") && e.contains("FIFO"), "{e}");
    // And for a `file://` parameter, in a session.
    let mut session = Session::demo(1);
    let out =
        session.execute("aws iam create-policy --policy-name P --policy-document file:///dev/zero", &mut FsHost::cwd());
    assert!(!out.ok && out.text.contains("/dev/zero") && out.text.contains("character device"), "{}", out.text);
    assert!(started.elapsed() < Duration::from_secs(5));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reads_and_walks_are_bounded() {
    let dir = scratch("bounds");
    let est = dir.join("estate");
    estate(&est);
    std::fs::write(est.join("accounts/111122223333/big.json"), vec![b' '; 4096]).unwrap();
    let host = FsHost::cwd().with_limits(1024, 100);
    let e = host.read_file(&s(&est.join("accounts/111122223333/big.json"))).unwrap_err();
    assert!(e.contains("larger than 1024 bytes"), "{e}");
    let e = rootsim_model::import::read_estate(&host, &s(&est), 1).unwrap_err();
    assert!(e.contains("big.json"), "{e}");
    for i in 0..100 {
        std::fs::write(est.join(format!("f{i}.json")), "{}").unwrap();
    }
    let e = host.list_files(&s(&est)).unwrap_err();
    assert!(e.contains("more than 100 files"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn binary_files_round_trip_and_a_scenario_never_writes_the_disk() {
    let dir = scratch("bytes");
    let bytes: Vec<u8> = (0..=255).collect();
    std::fs::write(dir.join("in.bin"), &bytes).unwrap();
    // The filesystem host reads and writes any bytes (aws s3 cp), creating folders on the way.
    let mut host = FsHost::new(&dir);
    assert_eq!(host.read_bytes("in.bin").unwrap(), bytes);
    assert!(host.read_file("in.bin").unwrap_err().contains("not UTF-8"));
    host.write_bytes("out/copy.bin", &bytes).unwrap();
    assert_eq!(std::fs::read(dir.join("out/copy.bin")).unwrap(), bytes);
    // A scenario's host reads the disk but keeps its writes and removals in memory.
    let mut scenario = rootsim::host::ScenarioHost::new(&dir);
    scenario.write_bytes("new.bin", &bytes).unwrap();
    assert_eq!(scenario.read_bytes("new.bin").unwrap(), bytes);
    assert!(!dir.join("new.bin").exists());
    scenario.remove_file("in.bin").unwrap();
    assert!(scenario.read_bytes("in.bin").is_err());
    assert!(dir.join("in.bin").exists());
    assert_eq!(scenario.list_files("out").unwrap(), ["copy.bin"]);
    scenario.write_file("out/more.txt", "m").unwrap();
    assert_eq!(scenario.list_files("out").unwrap(), ["copy.bin", "more.txt"]);
    assert!(!dir.join("out/more.txt").exists());
}
