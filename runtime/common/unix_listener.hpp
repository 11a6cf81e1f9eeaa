// SPDX-License-Identifier: Apache-2.0
// A listening unix stream socket, as every server of hopline takes its connections: `hopsim
// serve`'s device socket and hopd's control socket.
//
//   common::UnixListener::Error error;
//   auto listener = common::UnixListener::open(path, {}, error);
//   if (!listener) fail(error.message);           // or a text of the caller's own per error.kind
//   loop.watch(listener->fd(), POLLIN, [&](short) {
//       const int fd = listener->accept();         // -1: nobody waits (a peer that gave up)
//       ...
//   });
//
// The path's rules: a socket file that nobody accepts on (a server that died) is replaced; a
// live server there, or any file that is not a socket, is an error and is left alone. The
// socket file goes away with the listener (its destructor or close()), unless by then another
// server has replaced it with its own.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace hop::common {

class UnixListener {
  public:
    // Why open() failed, for callers that word some cases their own way (hopsim serve: "another
    // board is served there"; hopd: "another hopd answers on ...").
    enum class Failure {
        BadPath,     // empty, or longer than kMaxPathBytes
        NotASocket,  // a file that is not a socket is in the way
        InUse,       // a server accepts connections there
        System,      // socket(), bind(), chmod() or listen() failed: `errnoValue`
    };
    struct Error {
        Failure kind = Failure::System;
        int errnoValue = 0;
        std::string message;  // one line naming the path, e.g. "cannot listen on P: reason"
    };
    struct Options {
        int backlog = 8;
        // Permission bits of the socket file (connect() needs write permission); unset: what the
        // process's umask gives.
        std::optional<mode_t> mode;
    };

    // Longest path a sockaddr_un holds (without its terminating NUL).
    static constexpr size_t kMaxPathBytes = 107;

    // A non-blocking, close-on-exec listening socket at `path`, or nullopt with `error`.
    static std::optional<UnixListener> open(const std::string& path, const Options& options,
                                            Error& error);

    UnixListener(UnixListener&& other) noexcept;
    UnixListener& operator=(UnixListener&& other) noexcept;
    UnixListener(const UnixListener&) = delete;
    UnixListener& operator=(const UnixListener&) = delete;
    ~UnixListener() { close(); }

    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

    // One waiting connection, close-on-exec, non-blocking unless `blocking`; -1 when none waits
    // (or the peer gave up already): nothing to do then.
    int accept(bool blocking = false) const;

    // Stops listening and removes the socket file if it is still this listener's.
    void close();

  private:
    UnixListener() = default;
    int fd_ = -1;
    std::string path_;
    dev_t device_ = 0;  // the socket file as bind() made it: close() removes only that one
    ino_t inode_ = 0;
};

}  // namespace hop::common
