#!/usr/bin/env bash
# Makes the SM2 test PKI with the OpenSSL CLI (3.0). Run from this folder; the outputs are committed so
# that tests do not depend on OpenSSL. Every signature uses the GM/T default ID 1234567812345678.
#   root-a.pem  测试CA甲 root           root-b.pem  测试CA乙 root (a second, mutually recognised CA)
#   sub-a.pem   intermediate under A    other-root.pem  a root nobody trusts
#   leaf.pem    bidder cert via sub-a, valid 2026-01-01 .. 2031-01-01
#   leaf-b.pem  bidder cert under root B
#   expired.pem via sub-a, valid 2024-01-01 .. 2025-01-01
#   revoked.pem via sub-a, revoked by sub-a.crl (2026-06-01)
#   foreign.pem issued by other-root
#   leaf.key    the private key of leaf.pem (tests only)
set -euo pipefail
ID=distid:1234567812345678
rm -rf work && mkdir work
key() { openssl genpkey -algorithm SM2 -out "work/$1.key" 2>/dev/null; }
ca_conf() { # name
    mkdir -p "work/$1" && : > "work/$1/index.txt" && echo 1000 > "work/$1/serial" && echo 1000 > "work/$1/crlnumber"
    cat > "work/$1.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = work/$1
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sm3
policy = any
unique_subject = no
copy_extensions = none
[any]
countryName = optional
organizationName = optional
commonName = supplied
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
}
root() { # name subject
    key "$1"
    openssl req -new -x509 -key "work/$1.key" -sm3 -sigopt "$ID" -utf8 -subj "$2" -days 7300 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
    ca_conf "$1"
}
issue() { # ca name subject ext start end
    key "$2"
    openssl req -new -key "work/$2.key" -sm3 -sigopt "$ID" -utf8 -subj "$3" -out "work/$2.csr"
    openssl ca -batch -config "work/$1.cnf" -cert "$1.pem" -keyfile "work/$1.key" -sigopt "$ID" -vfyopt "$ID" -utf8 \
        -extensions "$4" -startdate "$5" -enddate "$6" -in "work/$2.csr" -out "$2.pem" -notext
}
root root-a "/C=CN/O=测试CA甲/CN=Test SM2 Root A"
root root-b "/C=CN/O=测试CA乙/CN=Test SM2 Root B"
root other-root "/C=CN/O=无人信任的CA/CN=Untrusted SM2 Root"
issue root-a sub-a "/C=CN/O=测试CA甲/CN=Test SM2 Sub CA A" ca_ext 20260101000000Z 20360101000000Z
ca_conf sub-a
issue sub-a leaf "/C=CN/O=杭州测试建设有限公司/CN=91330106MA27XY122Q" leaf_ext 20260101000000Z 20310101000000Z
issue root-b leaf-b "/C=CN/O=西湖园林绿化工程有限公司/CN=91330106MA2H00014Q" leaf_ext 20260101000000Z 20310101000000Z
issue sub-a expired "/C=CN/O=过期证书有限公司/CN=91330100MA2B000785" leaf_ext 20240101000000Z 20250101000000Z
issue sub-a revoked "/C=CN/O=已吊销证书有限公司/CN=91110000600037341L" leaf_ext 20260101000000Z 20310101000000Z
issue other-root foreign "/C=CN/O=外来证书有限公司/CN=91350100M000100Y43" leaf_ext 20260101000000Z 20310101000000Z
openssl ca -config work/sub-a.cnf -cert sub-a.pem -keyfile work/sub-a.key -sigopt "$ID" \
    -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -gencrl -config work/sub-a.cnf -cert sub-a.pem -keyfile work/sub-a.key -sigopt "$ID" \
    -crldays 3650 -out sub-a.crl 2>/dev/null
cp work/leaf.key leaf.key  # the bidder key of leaf.pem, for envelope tests (protects nothing)
rm -rf work
