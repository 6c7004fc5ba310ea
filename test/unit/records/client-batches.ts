/**
 * Record batches exactly as real clients sent them, cut out of the `records` field of Produce
 * requests captured in /work/shared/fixtures/wire (see its README). Copied here as hex so the
 * tests do not depend on that folder.
 */

/** kcat 1.7.1 / librdkafka 2.0.2, Produce v7 (kcat.jsonl conn 1, correlation 3, kcat-topic partition 1). kcat was run with compression.codec=lz4, but librdkafka sends a batch uncompressed when compressing does not make it smaller, so this batch is uncompressed (attributes 0). */
export const KCAT_P1 =
  '0000000000000000000000910000000002271f811e000000000002000001a201ca7cab000001a201ca7cabffffffffff' +
  'ffffffffffffffffff000000033e000000086b6579310e76616c75652d3104026b02760a7472616365066162633e0000' +
  '02086b6579320e76616c75652d3204026b02760a7472616365066162633e000004086b6579350e76616c75652d350402' +
  '6b02760a747261636506616263';

/** kcat.jsonl conn 1, correlation 4, kcat-topic partition 0 (uncompressed for the same reason). */
export const KCAT_P0 =
  '0000000000000000000000710000000002f55c203c000000000001000001a201ca7cab000001a201ca7cabffffffffff' +
  'ffffffffffffffffff000000023e000000086b6579330e76616c75652d3304026b02760a7472616365066162633e0000' +
  '02086b6579340e76616c75652d3404026b02760a747261636506616263';

/** confluent-kafka-python 1.7.0 / librdkafka 2.0.2, idempotent producer, compression.codec=zstd (confluent-kafka-python.jsonl conn 1, correlation 4, topic cfk partition 1). zstd-compressed (attributes 4): a zstd frame without a content size. */
export const CFK_ZSTD_P1 =
  '0000000000000000000000700000000002302c3f55000400000001000001a201cad1b2000001a201cad1b2793100472a' +
  '2df90f0000000000000000000228b52ffd0058b50100b402480000000e7a7374642d6b31187a7374642076616c756520' +
  '31020a636f646563087a73746448000002363603008013c06f50a6ca';

/** confluent-kafka-python.jsonl conn 1, correlation 5, cfk partition 2 (zstd). */
export const CFK_ZSTD_P2 =
  '0000000000000000000000820000000002ac8ae6b4000400000003000001a201cad1b2000001a201cad1b2793100472a' +
  '2df90f0000000000000000000428b52ffd00584502001403480000000e7a7374642d6b30187a7374642076616c756520' +
  '30020a636f646563087a73746448000002353504373706383809008013c00f640c7402f8818c814e00bf41992a03';

/** confluent-kafka-python.jsonl conn 1, correlation 6, cfk partition 0 (zstd). */
export const CFK_ZSTD_P0 =
  '0000000000000000000000820000000002900806ad000400000003000001a201cad1b2000001a201cad1b2793100472a' +
  '2df90f0000000000000000000428b52ffd00584502001403480000000e7a7374642d6b32187a7374642076616c756520' +
  '32020a636f646563087a73746448000002333304343406393909008013c00f640c7402f8818c814e00bf41992a03';

/** confluent-kafka-python.jsonl conn 2, correlation 4, cfk partition 1: compression.codec=snappy, sent uncompressed by librdkafka (too small to shrink). */
export const CFK_SNAPPY_P1 =
  '00000000000000000000005c00000000026382f7eb000000000000000001a201cad1b4000001a201cad1b4713ff03761' +
  '8823c2000000000000000000015400000012736e617070792d6b371c736e617070792076616c75652037020a636f6465' +
  '630c736e61707079';

/** confluent-kafka-python.jsonl conn 3, correlation 4, cfk partition 1: compression.codec=gzip, sent uncompressed by librdkafka (too small to shrink). */
export const CFK_GZIP_P1 =
  '0000000000000000000000c5000000000293bbd856000000000003000001a201cad1b6000001a201cad1b674c7b645c7' +
  '56b34e00000000000000000004480000000e677a69702d6b3118677a69702076616c75652031020a636f64656308677a' +
  '6970480000020e677a69702d6b3318677a69702076616c75652033020a636f64656308677a6970480000040e677a6970' +
  '2d6b3618677a69702076616c75652036020a636f64656308677a6970480000060e677a69702d6b3918677a6970207661' +
  '6c75652039020a636f64656308677a6970';

/** confluent-kafka-python.jsonl conn 6, correlation 7, cfk-txn partition 0: transactional producer (attributes 0x10). */
export const CFK_TXN_P0 =
  '00000000000000000000005b00000000023944ae7e001000000001000001a201cad221000001a201cad22134c25f1c0d' +
  'd6be6a000000000000000000022800000006746b3016636f6d6d69747465642030002800000206746b3216636f6d6d69' +
  '74746564203200';

/** kafka-python 2.0.2, Produce v7, compression_type=gzip (kafka-python.jsonl conn 3, correlation 1, topic kp partition 2); kafka-python also skips compression when it does not help, so this batch is uncompressed. */
export const KAFKA_PYTHON_P2 =
  '000000000000000000000065000000000257020a2d000000000001000001a201cc014c000001a201cc014dffffffffff' +
  'ffffffffffffffffff0000000232000000046b3018677a69702076616c7565203002026804783032000202046b311867' +
  '7a69702076616c75652031020268047831';

/**
 * sarama (Go client), gzip: the "gzip" case of recordBatchTestCases() in
 * IBM/sarama record_test.go. One record: key 01020304, value 050607, header 08090a = 0b0c,
 * timestamp 1479847795005.
 */
export const SARAMA_GZIP =
  '00000000000000000000005f0000000002e74acea5000100000000000001588dcd593800000000000000000000000000' +
  '000000000000000000000000011f8b080000096e8800ff001500eaff28000a00080102030406050607020608090a040b' +
  '0c0300adc9586715000000';

/**
 * sarama (Go client), raw snappy (no xerial framing): the "snappy" case of recordBatchTestCases() in
 * IBM/sarama record_test.go. One record: key 01020304, value 050607, header 08090a = 0b0c,
 * timestamp 1479847795005.
 */
export const SARAMA_SNAPPY =
  '000000000000000000000048000000000215009f61000200000000000001588dcd593800000000000000000000000000' +
  '00000000000000000000000001155028000a00080102030406050607020608090a040b0c';

/**
 * sarama (Go client), an LZ4 frame with FLG 0x64 (content checksum), BD 0x70 (4 MiB blocks) and one block stored uncompressed: the "lz4" case of recordBatchTestCases() in
 * IBM/sarama record_test.go. One record: key 01020304, value 050607, header 08090a = 0b0c,
 * timestamp 1479847795005.
 */
export const SARAMA_LZ4 =
  '0000000000000000000000590000000002a94a77c5000300000000000001588dcd593800000000000000000000000000' +
  '0000000000000000000000000104224d186470b91500008028000a00080102030406050607020608090a040b0c000000' +
  '000c3bef92';

/*
 * Compressed batches from librdkafka. kcat 1.7.1 / librdkafka 2.0.2 (Debian package) producing
 * `key1:value-1 abcdefgh...` .. `key5:...` (value = "value-N " + "abcdefgh" x 25) with headers
 * k=v, trace=abc to partition 0 and -z <codec>, against a server replaying kfake's recorded
 * responses from kcat.jsonl (conn 1), with one change: ApiVersions advertises Produce v0-13
 * instead of v3-13. librdkafka 2.0 only enables gzip/snappy/lz4 when the broker lists Produce
 * v0-v2 (KAFKA-18659), which is why the batches in the original capture are uncompressed.
 */

/** librdkafka 2.0.2, lz4: an LZ4 frame with FLG 0x60, BD 0x40 (64 KiB independent blocks), no checksums. */
export const LIBRDKAFKA_LZ4 =
  '0000000000000000000000af000000000259b3f5dc000300000004000001a201e42080000001a201e4208fffffffffff' +
  'ffffffffffffffffff0000000504224d186040826f000000ff0dd203000000086b657931a00376616c75652d31206162' +
  '6364656667680800adf00004026b02760a747261636506616263eb001002eb001432eb001f32eb00c91004eb001433eb' +
  '001f33eb00c91006eb001434eb001f34eb00c8201e08eb001435eb001f35eb00c050650661626300000000';

/** librdkafka 2.0.2, snappy: one raw snappy block, no xerial framing. */
export const LIBRDKAFKA_SNAPPY =
  '0000000000000000000000c400000000029de059fc000200000004000001a201e4226d000001a201e42271ffffffffff' +
  'ffffffffffffffffff0000000597096cd203000000086b657931a00376616c75652d31206162636465666768fe0800fe' +
  '0800fe08003804026b02760a74726163650661626301eb000201eb003211eb0032feeb00feeb00feeb006eeb00000401' +
  'eb003311eb0033feeb00feeb00feeb006eeb00000601eb003411eb0034feeb00feeb00feeb006aeb0004080801eb0035' +
  '11eb0035feeb00feeb00feeb005eeb00';

/** librdkafka 2.0.2, gzip. */
export const LIBRDKAFKA_GZIP =
  '0000000000000000000000a00000000002d7dd1fb1000100000004000001a201e42479000001a201e42487ffffffffff' +
  'ffffffffffffffffff000000051f8b0800000000000003bbc4ccc0c0c0919d5a69b880b92c31a73455d7502131293925' +
  '352d3d63a8d32c4cd94c655c254589c9a96c40b14bcc0c4c4c20af1ac1bc6a349cbdca02f2aa31ccabc6c3d9ab6c20af' +
  '9ac0bc6a328cbd2ac301f2aa29ccaba6c3d5ab004391969d97040000';
