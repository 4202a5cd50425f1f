"""The seed articles' facts stay taught: each one is pinned to the lesson that teaches it.

The five articles in ``../shared/seeds/`` are where the course's facts come from (see its
README). Rewriting a lesson must not drop one silently: every fact below names the lesson
(or lessons, ``|``) that teach it and a pattern its body matches, whitespace folded. The
patterns check that the idea is there, not its wording; a fact the course corrects (ports,
compose secrets) is pinned to the corrected teaching. The articles' own knowledge checks
are pinned to questions in ``tests/test_course.py``.
"""

from __future__ import annotations

import re

import pytest

from tutor.content.model import Course

FACTS = [
    ('no USER means the container runs as root, UID 0',
     'root-risks',
     r'unless a dockerfile says otherwise.{0,80}root'),
    ('containers share the host kernel; without a user namespace container root is host root',
     'root-risks',
     r'(share|same).{0,40}kernel'),
    ('a breakout from a root container lands as root on the host',
     'root-risks',
     r'(escape|break(s|ing)? out|breakout)'),
    ('least privilege',
     'root-risks',
     r'least privilege'),
    ('USER instruction switches the user for later instructions and the container',
     'non-root-user',
     r'`USER`.{0,200}every `RUN`'),
    ('create a dedicated system user and group (groupadd -r / useradd -r, no shell)',
     'non-root-user',
     r'useradd[^\\n]{0,80}-r|--system'),
    ('Alpine/BusyBox adduser/addgroup',
     'non-root-user',
     r'adduser -S'),
    ('official node images ship a node user with UID 1000',
     'non-root-user',
     r'node.{0,80}1000'),
    ('install packages as root before USER; switch late',
     'non-root-user',
     r'(before|after)[^.]{0,80}`?USER`?'),
    ('prefer numeric UID/GID',
     'non-root-user',
     r'numeric (UID|user|ID)'),
    ('pick 1001+ / avoid 1000 clash; a fixed number',
     'non-root-user',
     r'10001|1001'),
    ('volume mount permissions depend on UID not names',
     'non-root-user',
     r'(by number|numeric|uid).{0,200}(mount|volume)'
     r'|(mount|volume).{0,200}(by number|numeric|uid)'),
    ("chown the host dir to the container's UID",
     'non-root-user',
     r'chown -R 10001:10001'),
    ('verify with docker run image id',
     'non-root-user',
     r'docker run --rm \S+ id\b'),
    ('multi-stage: builder as root, runtime non-root',
     'non-root-user',
     r'multi-stage'),
    ('scratch has no user database; copy /etc/passwd or use numeric USER',
     'non-root-user',
     r'scratch.{0,300}(passwd|numeric)'),
    ('distroless ships nonroot user',
     'non-root-user',
     r'nonroot'),
    ('distroless has no shell or package manager',
     'root-risks|non-root-user|scanning',
     r'no shell'),
    ('ENV secrets are baked into the image; anyone who pulls can read',
     'secrets',
     r'`ENV`[^.]{0,200}(image|history|inspect|pull)'),
    ('rm in a later layer does not remove the secret',
     'secrets',
     r'later (layer|`?RUN`?|step|instruction)'),
    ('runtime env vars (-e / compose environment)',
     'secrets',
     r'-e |environment:'),
    ('env vars leak via logs/crash dumps/debug endpoints',
     'secrets',
     r'crash reports often capture the environment'),
    ('compose secrets mounted under /run/secrets; *_FILE convention',
     'secrets',
     r'/run/secrets'),
    ("capabilities split root's power; CAP_CHOWN, NET_BIND_SERVICE",
     'capabilities',
     r'NET_BIND_SERVICE'),
    ("Docker keeps a default set; drop ALL and add back only what's needed",
     'capabilities',
     r'cap-drop=ALL'),
    ('an HTTP server on port 3000 needs zero capabilities',
     'capabilities',
     r'3000.{0,200}(no capability|needs no|zero|nothing)'
     r'|(no capability|needs no|zero).{0,200}3000'),
    ('base image CVEs make your container vulnerable',
     'scanning',
     r'(CVE|vulnerab)'),
    ('docker scout cves',
     'scanning',
     r'docker scout cves'),
    ('block in CI on high severity (Trivy, Scout, Snyk)',
     'scanning',
     r'snyk'),
    ('rootless Docker: daemon and containers in a user namespace',
     'putting-it-together',
     r'rootless mode.{0,60}daemon and its containers run as your own'),
    ('Docker socket access is root on the host',
     'capabilities',
     r'The Docker socket.{0,200}the Docker API'),
    ('reverse proxy / port forwarding instead of binding 80 as root',
     'capabilities|root-risks|non-root-user',
     r'(proxy|-p 80:8080)'),
    ('Kubernetes/Swarm set the security context declaratively',
     'capabilities',
     r'securityContext'),
    ('run with -u node at run time',
     'non-root-user',
     r'(--user|-u) '),
]


@pytest.mark.parametrize(("fact", "lessons", "pattern"), FACTS, ids=[f[0][:40] for f in FACTS])
def test_a_seed_fact_is_taught(course: Course, fact: str, lessons: str, pattern: str) -> None:
    bodies = {lesson.id: " ".join(lesson.body.split()) for lesson in course.lessons}
    assert any(re.search(pattern, bodies[lesson], re.IGNORECASE | re.DOTALL)
               for lesson in lessons.split("|")), f"no lesson in {lessons} teaches: {fact}"
