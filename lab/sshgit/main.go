// git-ssh-server: a Git server over SSH on loopback, for the e2e suite (a private repository reached the way
// Flux's ssh:// URLs reach GitHub). It serves the bare repositories `<root>/<name>.git` to `git-upload-pack` and
// `git-receive-pack` exec requests, accepts the public keys listed in an authorized_keys file (read again at every
// login, so a test can revoke a key while it runs), and refuses everything else: no shell, no other command.
//
//	git-ssh-server -listen 127.0.0.1:0 -host-key host.pem -authorized-keys keys -root <dir>
//
// It prints "listening <address>" once it accepts connections.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"golang.org/x/crypto/ssh"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback)")
	hostKey := flag.String("host-key", "", "the server's private host key (PEM or OpenSSH)")
	authorizedKeys := flag.String("authorized-keys", "", "public keys allowed to log in, one a line (re-read at every login)")
	root := flag.String("root", "", "folder of bare repositories <name>.git")
	flag.Parse()
	if *hostKey == "" || *authorizedKeys == "" || *root == "" {
		log.Fatal("git-ssh-server: -host-key, -authorized-keys and -root are required")
	}
	pem, err := os.ReadFile(*hostKey)
	if err != nil {
		log.Fatalf("git-ssh-server: %v", err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		log.Fatalf("git-ssh-server: host key: %v", err)
	}
	config := &ssh.ServerConfig{
		PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if authorized(*authorizedKeys, key) {
				return &ssh.Permissions{}, nil
			}
			log.Printf("refused key %s for %s", ssh.FingerprintSHA256(key), meta.User())
			return nil, errors.New("key not authorized")
		},
	}
	config.AddHostKey(signer)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("git-ssh-server: %v", err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatalf("git-ssh-server: %v", err)
		}
		go serve(conn, config, *root)
	}
}

func authorized(file string, key ssh.PublicKey) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	for len(bytes.TrimSpace(data)) > 0 {
		pub, _, _, rest, err := ssh.ParseAuthorizedKey(data)
		if err != nil {
			return false
		}
		if bytes.Equal(pub.Marshal(), key.Marshal()) {
			return true
		}
		data = rest
	}
	return false
}

func serve(conn net.Conn, config *ssh.ServerConfig, root string) {
	server, channels, requests, err := ssh.NewServerConn(conn, config)
	if err != nil {
		log.Printf("handshake from %s: %v", conn.RemoteAddr(), err)
		return
	}
	defer server.Close()
	go ssh.DiscardRequests(requests)
	for nc := range channels {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, reqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go session(ch, reqs, root)
	}
}

// `git-upload-pack '/flux-dev'`, `git-receive-pack 'flux-dev.git'`: the service and the repository's name.
var command = regexp.MustCompile(`^(git-upload-pack|git-receive-pack) '?/?([A-Za-z0-9._-]+?)(\.git)?/?'?$`)

func session(ch ssh.Channel, reqs <-chan *ssh.Request, root string) {
	defer ch.Close()
	for req := range reqs {
		switch req.Type {
		case "env":
			_ = req.Reply(true, nil)
		case "exec":
			var payload struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
				_ = req.Reply(false, nil)
				return
			}
			m := command.FindStringSubmatch(payload.Command)
			repo := ""
			if m != nil {
				repo = filepath.Join(root, m[2]+".git")
			}
			if m == nil || m[2] == ".." || !isDir(repo) {
				_ = req.Reply(false, nil)
				log.Printf("refused command %q", payload.Command)
				return
			}
			_ = req.Reply(true, nil)
			status := run(ch, m[1], repo)
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
			return
		default:
			_ = req.Reply(false, nil)
		}
	}
}

func run(ch ssh.Channel, service, repo string) uint32 {
	cmd := exec.Command(service, repo)
	cmd.Stdout = ch
	cmd.Stderr = ch.Stderr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 1
	}
	if err := cmd.Start(); err != nil {
		log.Printf("%s: %v", service, err)
		return 1
	}
	go func() {
		_, _ = io.Copy(stdin, ch)
		_ = stdin.Close()
	}()
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return uint32(exit.ExitCode())
		}
		return 1
	}
	return 0
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
