#!/bin/sh
# Plant what a real image build leaves behind, inside the VM. SCENARIO=ready plants only leftovers
# that capgate fixes safely; SCENARIO=blocked adds a credential in a service's config file, which
# has no safe automatic fix (removing a workload's config file could break the image).
set -eu
id builder >/dev/null 2>&1 || useradd -m -s /bin/bash builder
# shell histories with a token typed on the command line
printf 'export AWS_PROFILE=build\ncurl -H "Authorization: token ghp_xxx" https://example.invalid\n' > /root/.bash_history
printf 'make image\nsudo reboot\n' > /home/builder/.bash_history
chown builder:builder /home/builder/.bash_history
# build leftovers in /tmp and /var/tmp
mkdir -p /tmp/build-cache /var/tmp/packer-build
echo "build log" > /tmp/build-cache/build.log
echo "#!/bin/sh" > /var/tmp/packer-build/setup.sh
# cloud credentials of the build user (a safe fix: remove the file)
install -d -m 700 -o builder -g builder /home/builder/.aws
printf '[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH1\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n' \
	> /home/builder/.aws/credentials
chown builder:builder /home/builder/.aws/credentials
if [ "${SCENARIO:-ready}" = blocked ]; then
	# a token inside a workload's configuration: reported, never removed automatically
	mkdir -p /etc/myapp
	printf 'listen=8080\ngithub_token=ghp_4Fq9ZrT2mXcV8bN1kL7pW3sY6dH0jA5gE2uQ\n' > /etc/myapp/app.conf
fi
echo "planted the $SCENARIO scenario's leftovers"
