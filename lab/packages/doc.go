// Package packages emulates yum 3.2 and rpm 4.4 as CentOS 5.2 ships them,
// over a fixed catalogue of the packages the procedures install.
//
// A host's installed set is <root>/var/lib/rpm/lab-installed, one
// name-version-release per line, changed only under the lab's lock.
// Installing a package that provides a tool the lab emulates (cman provides
// /sbin/ccs_tool, /sbin/cman_tool and /etc/init.d/cman) creates that tool's
// symlink to the lab binary, and removing the package deletes it: on a real
// host the tools exist only while their package is installed, and the
// agent's "command not found" must come about the same way.
//
// Erase is `rpm -e --nodeps` (lab break package-remove): one package goes,
// its tools and unchanged config files with it, whatever requires it. A
// changed config file stays where it is, as yum remove leaves it here;
// real rpm renames it to .rpmsave.
//
// yum keeps the quirk the runbooks are written around: asked for a package
// no repository carries, it prints "No package foo available." and exits 0,
// so only `rpm -q` afterwards tells whether the install happened.
package packages
