<?php
// Run by record.py inside the peer kit: bin/ostphp record_attachments.php OP TICKET_NUMBER [FILE:TYPE ...]
//   staff_reply: alice (or the agent AGENT names) replies (status Resolved) with the files, as scp/tickets.php a=reply after the
//                panel's ajax upload (FileUploadField::ajaxUpload -> AttachmentFile::upload).
//   user_message: carol posts an HTML message from the portal (tickets.php a=reply) with the files and an
//                 inline data: PNG in the body (the rich-text editor's pasted image).
require getenv('OST_ROOT') . '/../bin/bootstrap.php';
list(, $op, $number) = $argv;
$ticket = Ticket::lookupByNumber($number);
$files = array();
foreach (array_slice($argv, 3) as $spec) {
    list($path, $type) = explode(':', $spec, 2);
    // AttachmentFile::upload without the is_uploaded_file() check a CLI cannot pass
    list($key, $sig) = AttachmentFile::_getKeyAndHash($path, true);
    $info = array('type' => $type, 'size' => filesize($path), 'name' => basename($path),
        'key' => $key, 'signature' => $sig, 'tmp_name' => $path);
    $F = AttachmentFile::create($info, 'T', true);
    $files[] = array('id' => $F->getId(), 'name' => $F->getName());
}
$errors = array();
if ($op == 'staff_reply') {
    $GLOBALS['thisstaff'] = $thisstaff = Staff::lookup(getenv('AGENT') ?: 'alice');
    $vars = array('response' => '<p>Here is the corrected invoice and a screenshot.</p>',
        'reply-to' => 'all', 'reply_status_id' => 2, 'files' => $files);
    $entry = $ticket->postReply($vars, $errors, false);
} else {
    $user = User::lookup($ticket->getUserId());
    $png = base64_encode(file_get_contents(getenv('INLINE_PNG')));
    $vars = array('userId' => $user->getId(), 'poster' => (string) $user->getName(),
        'message' => '<p>My statement:</p><p><img src="data:image/png;base64,' . $png . '" alt="statement" /></p>',
        'files' => $files);
    $entry = $ticket->postMessage($vars, 'Web');
}
echo json_encode(array('ok' => (bool) $entry, 'errors' => $errors, 'entry_id' => $entry ? $entry->getId() : null)), "\n";
