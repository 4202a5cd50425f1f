"""Who exists in an image: accounts, the users USER and chown name, and those a build creates.

A name resolves to a uid where it can. Nothing is guessed: a user created without a fixed
uid (``useradd -r app``) is known to exist and not to be root, with its uid left unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Docker reads a numeric USER as a uid whether or not /etc/passwd names it.
# https://docs.docker.com/reference/dockerfile/#user


@dataclass(frozen=True, slots=True)
class Account:
    """A user in /etc/passwd: name, uid (None when the system picked it), group, home."""

    name: str
    uid: int | None
    gid: int | None
    home: str | None
    line: int = 0  # where the Dockerfile created it; 0 for the base image's
    creates_home: bool = False


@dataclass(frozen=True, slots=True)
class Identity:
    """A user (and group) as a USER, ``--chown`` or ``chown`` names it, resolved if possible."""

    spec: str
    uid: int | None
    gid: int | None
    name: str | None

    @property
    def is_root(self) -> bool | None:
        """True for uid 0 or root, False for a known non-root user, None when unknown."""
        if self.uid is not None:
            return self.uid == 0
        if self.name == "root":
            return True
        return None

    @property
    def shown(self) -> str:
        """How messages name it: the spec, with the uid when the spec is a name."""
        if self.name and self.uid is not None and not self.spec.split(":")[0].isdigit():
            return f"{self.spec} (uid {self.uid})"
        return self.spec

    def same_user(self, other: Identity) -> bool | None:
        """Whether both name the same user; None when the model cannot tell."""
        if self.uid is not None and other.uid is not None:
            return self.uid == other.uid
        if self.name is not None and other.name is not None:
            return self.name == other.name or None
        return None


ROOT = Identity("root", 0, 0, "root")


@dataclass(slots=True)
class Accounts:
    """The users and groups of one stage, as far as the model knows them."""

    users: dict[str, Account] = field(default_factory=dict)
    groups: dict[str, int | None] = field(default_factory=dict)

    def copy(self) -> Accounts:
        """An independent copy, for a stage that builds on this one."""
        return Accounts(dict(self.users), dict(self.groups))

    def by_uid(self, uid: int) -> Account | None:
        """The account with this uid, if the model knows one."""
        return next((a for a in self.users.values() if a.uid == uid), None)

    def resolve(self, spec: str) -> Identity:
        """``user[:group]`` as written (names or numbers) resolved to ids where known."""
        text = spec.strip()
        user, _, group = text.partition(":")
        user, group = user.strip(), group.strip()
        uid: int | None
        name: str | None
        gid: int | None = None
        if user.isdigit():
            uid = int(user)
            account = self.by_uid(uid)
            name = account.name if account else None
            gid = account.gid if account else None
        else:
            account = self.users.get(user)
            name = user or None
            uid = account.uid if account else (0 if user == "root" else None)
            gid = account.gid if account else None
        if group:
            gid = int(group) if group.isdigit() else self.groups.get(group)
        return Identity(text, uid, gid, name)

    def add(self, account: Account) -> None:
        """Record a user the build creates (replacing one of the same name)."""
        self.users[account.name] = account
        if account.gid is not None and account.name not in self.groups:
            self.groups[account.name] = account.gid

    def add_group(self, name: str, gid: int | None) -> None:
        """Record a group the build creates."""
        self.groups[name] = gid


# Creating users -----------------------------------------------------------------------------

_USERADD_VALUE = {"-u": "uid", "--uid": "uid", "-g": "group", "--gid": "group",
                  "-d": "home", "--home-dir": "home", "--home": "home", "-s": "skip",
                  "--shell": "skip", "-c": "skip", "--comment": "skip", "-G": "skip",
                  "--groups": "skip", "-k": "skip", "--skel": "skip", "-K": "skip",
                  "--key": "skip", "-e": "skip", "-f": "skip", "-p": "skip",
                  "--password": "skip", "--gecos": "skip", "--ingroup": "group",
                  "-h": "home", "--firstuid": "skip",
                  "--lastuid": "skip", "--expiredate": "skip", "--inactive": "skip",
                  "--root": "skip", "-R": "skip", "--prefix": "skip", "-P": "skip",
                  "--selinux-user": "skip", "-Z": "skip", "--add-subids-for-system": "skip"}


def parse_user_command(words: list[str], program: str, line: int,
                       accounts: Accounts) -> tuple[Account | None, tuple[str, int | None] | None]:
    """The account (or group) that ``useradd``, ``adduser``, ``groupadd`` or ``addgroup``
    creates, in shadow-utils, Debian and BusyBox spellings; (None, None) when not understood.
    """
    args = words[1:]
    busybox = program in ("adduser", "addgroup") and any(
        a in ("-D", "-S", "-H") or (a.startswith("-") and not a.startswith("--") and
                                    len(a) == 2 and a[1] in "uGhsg") for a in args)
    values: dict[str, str] = {}
    names: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(args):
        word = args[i]
        key, eq, inline = word.partition("=")
        if word.startswith("--") and eq:
            values[_USERADD_VALUE.get(key, "skip")] = inline
        elif busybox and word == "-G":
            if i + 1 < len(args):
                values["group"] = args[i + 1]
            i += 1
        elif busybox and word == "-g" and program == "adduser":
            i += 1  # BusyBox adduser -g is the GECOS field
        elif program in ("groupadd", "addgroup") and word in ("-g", "--gid"):
            if i + 1 < len(args):
                values["gid"] = args[i + 1]
            i += 1
        elif word in _USERADD_VALUE:
            if i + 1 < len(args):
                values[_USERADD_VALUE[word]] = args[i + 1]
            i += 1
        elif word.startswith("-"):
            flags.add(word)
        else:
            names.append(word)
        i += 1
    if program in ("groupadd", "addgroup") or (program == "adduser" and "--group" in flags
                                                and "--system" not in flags):
        if len(names) != 1:
            return None, None  # BusyBox `addgroup USER GROUP` adds a member
        gid_text = values.get("gid", "")
        return None, (names[0], int(gid_text) if gid_text.isdigit() else None)
    if len(names) != 1:
        return None, None  # `adduser USER GROUP` adds a member; anything else is unclear
    name = names[0]
    uid_text = values.get("uid", "")
    uid = int(uid_text) if uid_text.isdigit() else None
    group = values.get("group", "")
    # Without -g the user's group is a new one of its own, whose gid the system picks.
    gid = int(group) if group.isdigit() else accounts.groups.get(group) if group else None
    creates_home = (program == "useradd" and bool(flags & {"-m", "--create-home"})) or (
        program == "adduser" and not flags & {"-H", "--no-create-home", "-M"}
        and not (busybox and "-S" in flags) and "--system" not in flags)
    home = values.get("home") or f"/home/{name}"
    return Account(name, uid, gid, home, line, creates_home), None
