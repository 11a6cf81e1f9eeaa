// SPDX-License-Identifier: Apache-2.0
#include "sim/rtl/rtl_build.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

extern char** environ;

namespace hop::sim::rtl {

// The harness sources, embedded at build time (sim/CMakeLists.txt).
extern const char* const kHarnessCpp;
extern const char* const kHarnessH;

namespace fs = std::filesystem;

namespace {

// Two 64-bit FNV-1a hashes with different offset bases: a 128-bit key, plenty for a cache.
class Hasher {
  public:
    void add(std::string_view data) {
        for (unsigned char c : data) {
            a_ = (a_ ^ c) * 0x100000001b3ull;
            b_ = (b_ ^ c) * 0x100000001b3ull;
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        const std::string len = "|" + std::to_string(data.size()) + "|";
        for (unsigned char c : len) {
            a_ = (a_ ^ c) * 0x100000001b3ull;
            b_ = (b_ ^ c) * 0x100000001b3ull;
        }
    }
    std::string hex() const { return fmt::format("{:016x}{:016x}", a_, b_); }

  private:
    uint64_t a_ = 0xcbf29ce484222325ull;
    uint64_t b_ = 0x84222325cbf29ce4ull;
};

bool readFile(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

bool writeFile(const fs::path& path, const std::string& text, std::string& error) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        error = path.string() + ": cannot write the file";
        return false;
    }
    return true;
}

std::string verilatorBinary() {
    const char* v = std::getenv("HOPSIM_VERILATOR");
    return v && *v ? v : "verilator";
}

std::string rtlLibraryDir() {
    const char* v = std::getenv("HOPLINE_RTL_DIR");
    if (v && *v) return v;
    return std::string(HOP_SOURCE_DIR) + "/rtl";
}

bool onPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::stringstream s(path);
    std::string dir;
    while (std::getline(s, dir, ':')) {
        if (dir.empty()) continue;
        if (::access((fs::path(dir) / name).c_str(), X_OK) == 0) return true;
    }
    return false;
}

// Runs `args` with stdout and stderr to `logPath` (appended) or, when `capture` is given, into
// it. Returns the exit status, 127 when the program could not be started, or 128 + signal.
int runProcess(const std::vector<std::string>& args, const std::string& logPath,
               std::string* capture, const std::vector<std::string>& extraEnv = {}) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> envStore;
    for (char** e = environ; *e; ++e) envStore.emplace_back(*e);
    for (const auto& e : extraEnv) envStore.push_back(e);
    std::vector<char*> envp;
    for (auto& e : envStore) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int pipefd[2] = {-1, -1};
    if (capture) {
        if (::pipe(pipefd) != 0) return 127;
        posix_spawn_file_actions_addclose(&fa, pipefd[0]);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
        posix_spawn_file_actions_addclose(&fa, pipefd[1]);
    } else {
        posix_spawn_file_actions_addopen(&fa, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (capture) {
        ::close(pipefd[1]);
        if (rc == 0) {
            char buf[4096];
            ssize_t n;
            while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) capture->append(buf, n);
        }
        ::close(pipefd[0]);
    }
    if (rc != 0) return 127;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return 127;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 127;
}

std::string lastLines(const std::string& text, int n) {
    size_t pos = text.size();
    if (pos > 0 && text[pos - 1] == '\n') --pos;
    for (int i = 0; i < n && pos > 0; ++i) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) return text;
    }
    return text.substr(pos + 1);
}

// An exclusive flock held for the object's lifetime.
class FileLock {
  public:
    explicit FileLock(const fs::path& path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) return;
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                fd_ = -1;
                return;
            }
        }
    }
    ~FileLock() {
        if (fd_ >= 0) {
            ::flock(fd_, LOCK_UN);
            ::close(fd_);
        }
    }
    bool ok() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

// dlopen() of a truncated object dies of SIGBUS rather than failing, so an object is checked
// first: a 64-bit ELF file holding every segment and the section header table it announces.
bool elfLooksWhole(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        error = path + ": cannot read the file";
        return false;
    }
    const uint64_t size = static_cast<uint64_t>(in.tellg());
    Elf64_Ehdr eh{};
    in.seekg(0);
    if (size < sizeof eh || !in.read(reinterpret_cast<char*>(&eh), sizeof eh) ||
        std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
        error = path + " is not a 64-bit ELF object";
        return false;
    }
    bool whole = eh.e_shoff + uint64_t{eh.e_shnum} * eh.e_shentsize <= size &&
                 eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) <= size;
    for (int i = 0; whole && i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        in.seekg(static_cast<std::streamoff>(eh.e_phoff + i * sizeof ph));
        whole = static_cast<bool>(in.read(reinterpret_cast<char*>(&ph), sizeof ph)) &&
                ph.p_offset + ph.p_filesz <= size;
    }
    if (!whole) error = path + " is truncated";
    return whole;
}

}  // namespace

Library::~Library() {
    if (handle_) ::dlclose(handle_);
}

std::unique_ptr<Library> openLibrary(const std::string& path, int dataWidth, std::string& error) {
    if (!elfLooksWhole(path, error)) return nullptr;
    void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = ::dlerror();
        error = fmt::format("cannot load {}: {}", path, e ? e : "unknown error");
        return nullptr;
    }
    std::unique_ptr<Library> lib(new Library);
    lib->handle_ = h;
    auto abi = reinterpret_cast<hop_rtl_abi_version_fn>(::dlsym(h, "hop_rtl_abi_version"));
    auto width = reinterpret_cast<hop_rtl_data_width_fn>(::dlsym(h, "hop_rtl_data_width"));
    auto streams = reinterpret_cast<hop_rtl_streams_fn>(::dlsym(h, "hop_rtl_streams"));
    lib->create = reinterpret_cast<hop_rtl_create_fn>(::dlsym(h, "hop_rtl_create"));
    lib->destroy = reinterpret_cast<hop_rtl_destroy_fn>(::dlsym(h, "hop_rtl_destroy"));
    lib->cycle = reinterpret_cast<hop_rtl_cycle_fn>(::dlsym(h, "hop_rtl_cycle"));
    lib->traceOpen = reinterpret_cast<hop_rtl_trace_open_fn>(::dlsym(h, "hop_rtl_trace_open"));
    lib->traceClose = reinterpret_cast<hop_rtl_trace_close_fn>(::dlsym(h, "hop_rtl_trace_close"));
    if (!abi || !width || !streams || !lib->create || !lib->destroy || !lib->cycle) {
        error = fmt::format("{} is not a hopsim RTL model (missing harness functions)", path);
        return nullptr;
    }
    if (abi() != HOP_RTL_ABI_VERSION) {
        error = fmt::format("{} was built for harness ABI {}, this hopsim needs {}", path, abi(),
                            HOP_RTL_ABI_VERSION);
        return nullptr;
    }
    lib->dataWidth = width();
    lib->streams = streams();
    if (lib->dataWidth != dataWidth) {
        error = fmt::format("{} has DATA_W={}, {} was asked for", path, lib->dataWidth, dataWidth);
        return nullptr;
    }
    return lib;
}

bool usedLibraryFiles(const std::map<std::string, std::string>& generated,
                      const std::vector<std::filesystem::path>& library,
                      std::map<std::string, std::string>& used, std::string& error) {
    std::map<std::string, fs::path> byName;
    for (const auto& path : library) byName[path.stem().string()] = path;
    std::vector<std::string> pending;
    auto mentions = [&](const std::string& text) {
        static const std::regex word(R"(\bhop_[A-Za-z0-9_]+)");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), word);
             it != std::sregex_iterator(); ++it) {
            const std::string m = it->str();
            if (byName.count(m) && !used.count(m)) {
                used[m];
                pending.push_back(m);
            }
        }
    };
    for (const auto& [file, text] : generated) mentions(text);
    while (!pending.empty()) {
        const std::string m = pending.back();
        pending.pop_back();
        std::string text;
        if (!readFile(byName[m], text)) {
            error = byName[m].string() + ": cannot read the file";
            return false;
        }
        mentions(text);
        used[m] = std::move(text);
    }
    return true;
}

std::string cacheDirectory(const std::string& option, std::string& error) {
    if (!option.empty()) return option;
    if (const char* v = std::getenv("HOPSIM_RTL_CACHE"); v && *v) return v;
    if (const char* v = std::getenv("XDG_CACHE_HOME"); v && *v)
        return (fs::path(v) / "hopline" / "rtl").string();
    if (const char* v = std::getenv("HOME"); v && *v)
        return (fs::path(v) / ".cache" / "hopline" / "rtl").string();
    error = "no cache directory for RTL models: give --rtl-cache DIR or set HOPSIM_RTL_CACHE";
    return "";
}

namespace {

// What differs between the flavours of a model (plain, or with waveforms): Verilator's flags,
// the harness compiled in, the cache entry's name and how a finished object is checked (and
// loaded).
struct Flavor {
    std::vector<std::string> flags;
    std::vector<std::pair<std::string, std::string>> harness;  // file name, text
    std::string dirTag;                                        // after `-w<DATA_W>`
    std::string what;                                          // for messages
    // Checks DIR/model.so; false with `error` when it is unusable.
    std::function<bool(const std::string& so, std::string& error)> check;
};

// Everything but paths, which differ between the key directory and the build.
// Speed (bench/pipeline_bench): Verilator's makefile compiles the model with -Os unless told
// otherwise; OPT_FAST=-O2 (the per-cycle code) and OPT_GLOBAL=-O2 (its runtime) make the
// model 1.7x faster. No -march=native: a cache may be shared between machines. Verilator's
// own -O3 gives the same code as -O2 here, and `--x-assign unique` costs nothing per cycle
// (one random constant per X site, drawn at reset), so X handling stays as strict as it was.
// A quick model (BuildOptions::quick) compiles its own code at -O0 and Verilator's runtime as
// every other model does, so ccache keeps one copy of the runtime for both kinds.
std::vector<std::string> verilatorFlags(const std::string& mode, const std::string& top,
                                        const std::string& cflags, bool quick = false) {
    const std::string make =
        quick ? "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O2" : "OPT_FAST=-O2 OPT_GLOBAL=-O2";
    // Option and value on one line each.
    return {
        "-MAKEFLAGS",   make,         //
        mode,                         //
        "--exe",                      //
        "--build",                    //
        "-O2",                        //
        "--x-assign",   "unique",     //
        "--x-initial",  "unique",     //
        "-Wno-fatal",                 //
        "-Wno-lint",                  //
        "-Wno-style",                 //
        "--prefix",     "Vhop",       //
        "--top-module", top,          //
        "-LDFLAGS",     "-shared",    //
        "-o",           "libhop.so",  //
        "-CFLAGS",      cflags,       //
    };
}

std::optional<BuiltEntry> buildEntry(
    const program::Compiled& program, const BuildOptions& options,
    const std::function<Flavor(const std::string& top)>& makeFlavor, std::ostream& err,
    int& exitCode) {
    const auto start = std::chrono::steady_clock::now();
    exitCode = 3;
    auto fail = [&](const std::string& message) -> std::optional<BuiltEntry> {
        err << "hopsim: error: " << message << "\n";
        return std::nullopt;
    };

    const std::string& name = program.name();
    // The directory's RTL, or the same program compiled again in process at this DATA_W.
    const bool split = options.top == "split";
    const bool isSwitch = options.top == "switch";
    if (!split && !isSwitch && options.top != "pipeline")
        return fail(fmt::format("no RTL top '{}' (pipeline, split or switch)", options.top));
    auto gen = program::atDataWidth(program, options.dataWidth, err, split,
                                    isSwitch ? options.ports : 0, options.cpuPort);
    if (!gen) {
        exitCode = 1;
        return fail(
            fmt::format("the Verilog backend cannot build {} yet, so it cannot run on "
                        "--engine rtl (use --engine model)",
                        name));
    }
    const std::map<std::string, std::string> rtlFiles = gen->rtlFiles();

    std::string error;
    const std::string cacheRoot = cacheDirectory(options.cacheDir, error);
    if (cacheRoot.empty()) return fail(error);

    // Verilator's version is part of the key; asking for it also checks it runs at all.
    const std::string verilator = verilatorBinary();
    std::string version;
    const int vrc = runProcess({verilator, "--version"}, "", &version);
    if (vrc != 0 || version.rfind("Verilator", 0) != 0) {
        return fail(fmt::format(
            "cannot run Verilator ('{} --version' {}){}; the RTL engine needs it (scripts/deps.sh "
            "installs it; HOPSIM_VERILATOR names another binary)",
            verilator, vrc == 127 ? "could not be started" : fmt::format("exited with {}", vrc),
            version.empty() ? "" : ": " + lastLines(version, 1)));
    }

    std::error_code ec;
    const std::string rtlDir = fs::absolute(rtlLibraryDir(), ec).string();
    std::vector<fs::path> library;
    for (const auto& entry : fs::directory_iterator(rtlDir, ec)) {
        if (entry.path().extension() == ".sv") library.push_back(entry.path());
    }
    if (ec || library.empty()) {
        return fail(
            fmt::format("no rtl/ library in {} (set HOPLINE_RTL_DIR to the rtl/ directory "
                        "of the hopline sources)",
                        rtlDir));
    }
    std::sort(library.begin(), library.end());

    const int width = options.dataWidth;
    Flavor flavor = makeFlavor(split      ? gen->splitTopModule()
                               : isSwitch ? gen->switchTopModule()
                                          : gen->topModule());
    if (split) {
        flavor.dirTag += "-split";
        flavor.what += " (cut after ingress)";
    }
    std::optional<program::SwitchInfo> switchInfo;
    if (isSwitch) {
        switchInfo = gen->switchInfo();
        if (!switchInfo)
            return fail(name + ": the switch top's parameters (switch.json) are missing");
        flavor.dirTag += fmt::format("-switch{}", options.ports);
        flavor.what += fmt::format(" (switch top, {} ports)", options.ports);
    }

    Hasher h;
    for (const auto& [file, text] : rtlFiles) {
        h.add(file);
        h.add(text);
    }
    std::map<std::string, std::string> libraryText;
    if (!usedLibraryFiles(rtlFiles, library, libraryText, error)) return fail(error);
    for (const auto& [m, text] : libraryText) {  // in name order
        h.add(m + ".sv");
        h.add(text);
    }
    for (const auto& [file, text] : flavor.harness) h.add(text);
    h.add(version);
    for (const auto& f : flavor.flags) h.add(f);
    const std::string key = h.hex();

    // Absolute: Verilator's make runs in the object directory.
    const fs::path dir = fs::absolute(fs::path(cacheRoot), ec) /
                         fmt::format("{}-w{}{}-{}", name, width, flavor.dirTag, key);
    fs::create_directories(dir, ec);
    if (ec) return fail(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    const fs::path so = dir / "model.so";

    BuiltEntry built;
    built.program = name;
    built.regmap = gen->regmap();
    built.switchInfo = switchInfo;
    built.dir = dir.string();
    built.library = so.string();

    auto finish = [&]() -> std::optional<BuiltEntry> {
        if (!flavor.check(so.string(), error)) return std::nullopt;
        built.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return std::move(built);
    };

    if (fs::exists(so, ec)) {
        if (auto done = finish()) return done;
        // A model that does not load (a truncated file, another machine's build): build it again.
        err << "hopsim: warning: " << error << "; building it again\n";
    }

    FileLock lock(dir / "lock");
    if (!lock.ok()) return fail(fmt::format("cannot lock {}", (dir / "lock").string()));
    // Another process may have built it while this one waited for the lock.
    if (fs::exists(so, ec)) {
        std::string e2;
        if (flavor.check(so.string(), e2)) {
            built.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return built;
        }
        fs::remove(so, ec);
    }

    err << fmt::format("hopsim: building the {} of {} (DATA_W={}) in {} ...\n", flavor.what, name,
                       width, dir.string())
        << std::flush;
    const fs::path src = dir / "src";
    const fs::path obj = dir / "obj";
    fs::remove_all(obj, ec);
    fs::create_directories(src, ec);
    std::vector<std::string> args = {verilator};
    args.insert(args.end(), flavor.flags.begin(), flavor.flags.end());
    // The same -CFLAGS with the include directory of the harness header (Verilator joins
    // repeated ones).
    args.insert(args.end(),
                {"-CFLAGS", "-I" + src.string(), "-Mdir", obj.string(), "-y", rtlDir, "-j", "2"});
    for (const auto& [file, text] : rtlFiles) {
        if (!writeFile(src / file, text, error)) return fail(error);
        if (fs::path(file).extension() == ".sv" || fs::path(file).extension() == ".v")
            args.push_back((src / file).string());
    }
    for (const auto& [file, text] : flavor.harness) {
        if (!writeFile(src / file, text, error)) return fail(error);
    }
    for (const auto& [file, text] : flavor.harness) {
        if (fs::path(file).extension() == ".cpp") args.push_back((src / file).string());
    }

    const fs::path log = dir / "build.log";
    {
        std::string cmdline;
        for (const auto& a : args) cmdline += (cmdline.empty() ? "" : " ") + a;
        if (!writeFile(log, cmdline + "\n", error)) return fail(error);
    }
    std::vector<std::string> env;
    if (onPath("ccache")) env.push_back("OBJCACHE=ccache");
    const int rc = runProcess(args, log.string(), nullptr, env);
    if (rc != 0) {
        std::string text;
        readFile(log, text);
        err << lastLines(text, 20) << "\n";
        return fail(fmt::format(
            "building the {} of {} failed ({} {}); the whole log is {}", flavor.what, name,
            verilator, rc == 127 ? "could not be started" : fmt::format("exited with {}", rc),
            log.string()));
    }
    // The finished object appears under its final name in one step.
    fs::rename(obj / "libhop.so", so, ec);
    if (ec)
        return fail(
            fmt::format("cannot move the built model to {}: {}", so.string(), ec.message()));
    fs::remove_all(obj, ec);
    built.built = true;
    auto done = finish();
    if (!done) return fail(error);
    return done;
}

}  // namespace

std::optional<Built> buildModel(const program::Compiled& program, const BuildOptions& options,
                                std::ostream& err, int& exitCode) {
    std::unique_ptr<Library> lib;
    const int width = options.dataWidth;
    auto entry = buildEntry(
        program, options,
        [&](const std::string& top) {
            Flavor f;
            std::string cflags = fmt::format("-fPIC -DHOP_RTL_DATA_W={}", width);
            if (options.top == "switch")
                cflags += fmt::format(" -DHOP_RTL_SWITCH_PORTS={}", options.ports);
            f.flags = verilatorFlags("--cc", top, cflags, options.quick);
            if (options.trace == "fst" || options.trace == "vcd") {
                f.flags.push_back(options.trace == "fst" ? "--trace-fst" : "--trace");
                f.dirTag = "-" + options.trace;
            }
            if (options.quick) f.dirTag += "-quick";
            f.harness = {{"harness.cpp", kHarnessCpp}, {"harness.h", kHarnessH}};
            f.what = options.trace.empty() ? "RTL model" : "RTL model with waveforms";
            f.check = [&](const std::string& so, std::string& error) {
                lib = openLibrary(so, width, error);
                return lib != nullptr;
            };
            return f;
        },
        err, exitCode);
    if (!entry) return std::nullopt;
    Built built;
    static_cast<BuiltEntry&>(built) = std::move(*entry);
    built.lib = std::move(lib);
    return built;
}

}  // namespace hop::sim::rtl
